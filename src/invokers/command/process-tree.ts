import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { SluiceError } from '../../errors.js';
import { InvokerErrorCode } from '../invoker.js';

/**
 * Spawns `argv` as the leader of a new process group (`detached`), so the whole
 * tree it starts can be killed at once with {@link killProcessTree}.
 * Resolves once the process started; a program that cannot be started
 * (missing, not executable) rejects with `HandlerLoadFailed`.
 */
export async function spawnProcessGroup(
  argv: readonly string[],
  options: { readonly cwd: string; readonly env: Readonly<Record<string, string>> },
): Promise<ChildProcessWithoutNullStreams> {
  const [program, ...args] = argv;
  if (program === undefined) {
    throw new SluiceError(InvokerErrorCode.HandlerLoadFailed, 'command is empty: give at least the program to run');
  }
  const child = spawn(program, args, { cwd: options.cwd, env: options.env, detached: true, stdio: 'pipe' });
  // Writes to a process that exited fail with EPIPE; its exit is reported instead.
  child.stdin.on('error', () => undefined);
  try {
    await Promise.race([once(child, 'spawn'), once(child, 'error').then(([err]) => Promise.reject(err))]);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new SluiceError(
      InvokerErrorCode.HandlerLoadFailed,
      `cannot start command ${JSON.stringify(argv)} in ${options.cwd}: ${typeof code === 'string' ? code : String(err)}`,
      { cause: err },
    );
  }
  return child;
}

/** How long output may still arrive after a process exited. */
export const DRAIN_GRACE_MS = 2000;

/**
 * Once `child` exits, gives its stdout and stderr {@link DRAIN_GRACE_MS} to end,
 * then destroys them so 'close' follows. A process that left the group (setsid,
 * daemonising tools) may hold them open long after `child` is gone, and neither
 * its exit nor a group kill ends that: without this, 'close' would never come.
 */
export function drainAfterExit(child: ChildProcessWithoutNullStreams): void {
  child.once('exit', () => {
    const drain = setTimeout(() => {
      child.stdout.destroy();
      child.stderr.destroy();
    }, DRAIN_GRACE_MS);
    child.once('close', () => clearTimeout(drain));
  });
}

/** SIGKILLs every process of the group `child` leads; a group already gone is fine. */
export function killProcessTree(child: { readonly pid?: number | undefined }): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ESRCH') throw err;
  }
}

/** A rolling buffer of the last `maxChars` characters written to it. */
export function createTailBuffer(maxChars: number): { append(text: string): void; text(): string } {
  let buffer = '';
  return {
    append(text) {
      buffer += text;
      if (buffer.length > maxChars * 2) buffer = buffer.slice(-maxChars);
    },
    text: () => buffer.slice(-maxChars),
  };
}
