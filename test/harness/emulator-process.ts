import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createOutputBuffer, type OutputBuffer } from './output-buffer.js';

const REAPER = fileURLToPath(new URL('./reaper.cjs', import.meta.url));

/** How a supervised process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One emulator process, run under `reaper.cjs` in its own process group. */
export interface EmulatorProcess {
  /** The reaper's pid, which is also the process group id. */
  readonly pid: number;
  /** Resolves when the group leader has exited. */
  readonly exited: Promise<ProcessExit>;
  /** Set once it has exited. */
  exit(): ProcessExit | undefined;
  readonly output: OutputBuffer;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once it has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** What to run: the full environment is given (nothing is inherited implicitly). */
export interface SpawnSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

const live = new Set<number>();
let hooksInstalled = false;

/** Pids (process groups) of emulators started by this process and not yet exited. */
export function liveEmulatorGroups(): readonly number[] {
  return [...live];
}

/**
 * Starts `spec` under the reaper, detached into its own process group. The group is killed on `stop()`, when
 * this process exits or gets SIGINT/SIGTERM, and, through the reaper's stdin pipe, even when this process dies
 * by SIGKILL. Output is kept (the last lines) for `logs()` and failure messages.
 */
export function spawnEmulatorProcess(spec: SpawnSpec): EmulatorProcess {
  installExitHooks();
  const output = createOutputBuffer(500);
  const child = spawn(process.execPath, [REAPER, spec.command, ...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${spec.command}: no pid`);
  live.add(pid);
  child.stdout.on('data', (chunk: Buffer) => output.append(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.append(chunk));
  // None of these may keep a test worker alive on their own; the exit hooks and the stdin pipe clean up.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();

  let exitInfo: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (err) => {
      output.append(`\n[harness] could not start the reaper: ${err.message}\n`);
      exitInfo ??= { code: null, signal: null };
      live.delete(pid);
      resolve(exitInfo);
    });
    child.once('exit', (code, signal) => {
      exitInfo ??= { code, signal };
      live.delete(pid);
      resolve(exitInfo);
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 8_000): Promise<void> => {
    stopping ??= (async () => {
      if (exitInfo !== undefined) return;
      signalGroup(pid, 'SIGTERM');
      if (await exitsWithin(exited, graceMs)) return;
      signalGroup(pid, 'SIGKILL');
      await exitsWithin(exited, 5_000);
    })();
    return stopping;
  };

  return { pid, exited, exit: () => exitInfo, output, stop };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

async function exitsWithin(exited: Promise<ProcessExit>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([exited.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function killAllNow(): void {
  for (const pid of live) signalGroup(pid, 'SIGKILL');
  live.clear();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllNow();
      process.removeListener(signal, onSignal);
      // Keep the default behaviour (dying) unless someone else handles the signal.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
