import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SluiceError } from '../../errors.js';
import { toLambdaErrorPayload } from '../error-payload.js';
import { InvokerErrorCode, type LambdaErrorPayload } from '../invoker.js';
import { createTailBuffer, drainAfterExit, killProcessTree, spawnProcessGroup } from './process-tree.js';

/** What one request to a persistent process came to. */
export type EnvironmentOutcome =
  | { readonly kind: 'result'; readonly payload: unknown }
  | { readonly kind: 'error'; readonly error: LambdaErrorPayload }
  | {
      readonly kind: 'exited';
      readonly code: number | null;
      readonly signal: NodeJS.Signals | null;
      readonly stderrTail: string;
    }
  | { readonly kind: 'timed-out' };

/** One long-lived process: one request at a time, one NDJSON line each way. */
export interface PersistentEnvironment {
  readonly pid: number;
  /** False once the process exited, was killed or timed out; it is then never used again. */
  readonly alive: boolean;
  request(line: string, options: { readonly timeoutMs: number; readonly signal?: AbortSignal | undefined }): Promise<EnvironmentOutcome>;
  /**
   * Closes stdin (the adapter's cue to exit), then SIGKILLs the group after `graceMs`;
   * resolves once the process exited and its output drained (at most DRAIN_GRACE_MS more).
   */
  close(graceMs: number): Promise<void>;
}

export interface PersistentEnvironmentOptions {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Receives each stderr line, and stdout lines that are not protocol responses. */
  readonly onLog: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Called once when the process is gone, whatever the reason. */
  readonly onGone: (env: PersistentEnvironment) => void;
}

interface Pending {
  resolve(outcome: EnvironmentOutcome): void;
  reject(err: unknown): void;
}

/** Starts one persistent process. Rejects with `HandlerLoadFailed` when the program cannot start. */
export async function startPersistentEnvironment(options: PersistentEnvironmentOptions): Promise<PersistentEnvironment> {
  const child: ChildProcessWithoutNullStreams = await spawnProcessGroup(options.argv, {
    cwd: options.cwd,
    env: options.env,
  });
  const stderrTail = createTailBuffer(8192);
  let alive = true;
  let pending: Pending | undefined;

  const settle = (outcome: EnvironmentOutcome): void => {
    const current = pending;
    pending = undefined;
    current?.resolve(outcome);
  };
  const retire = (): void => {
    if (!alive) return;
    alive = false;
    killProcessTree(child);
    options.onGone(environment);
  };

  createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
    const response = pending === undefined ? undefined : readResponse(line);
    if (response === undefined) options.onLog(line, 'stdout');
    else settle(response);
  });
  createInterface({ input: child.stderr, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
    stderrTail.append(`${line}\n`);
    options.onLog(line, 'stderr');
  });
  // Dead at 'exit', not 'close': a process that left the group (setsid) may hold stdout
  // open long after the adapter died, and meanwhile the environment must not be handed out.
  child.once('exit', retire);
  drainAfterExit(child);
  const exited = new Promise<void>((resolve) => {
    // Reported at 'close', at most DRAIN_GRACE_MS after the exit, so that a response or
    // the last stderr lines written just before the exit are still read.
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      settle({ kind: 'exited', code, signal, stderrTail: stderrTail.text() });
      retire();
      resolve();
    });
  });

  const environment: PersistentEnvironment = {
    pid: child.pid ?? -1,
    get alive() {
      return alive;
    },
    request(line, { timeoutMs, signal }) {
      if (!alive) {
        return Promise.reject(new SluiceError(InvokerErrorCode.InvokerUnavailable, 'persistent process is gone'));
      }
      if (pending !== undefined) {
        return Promise.reject(new SluiceError(InvokerErrorCode.InvokerUnavailable, 'persistent process is busy'));
      }
      return new Promise<EnvironmentOutcome>((resolve, reject) => {
        const timer = setTimeout(() => {
          // Exited, with its output still draining: 'close' reports the exit shortly.
          if (child.exitCode !== null || child.signalCode !== null) return;
          settle({ kind: 'timed-out' });
          retire();
        }, timeoutMs);
        const onAbort = (): void => {
          const current = pending;
          pending = undefined;
          retire();
          current?.reject(signal?.reason);
        };
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        };
        pending = {
          resolve: (outcome) => {
            done();
            resolve(outcome);
          },
          reject: (err) => {
            done();
            reject(err);
          },
        };
        if (signal?.aborted === true) {
          onAbort();
          return;
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        child.stdin.write(`${line}\n`);
      });
    },
    async close(graceMs) {
      if (alive) {
        child.stdin.end();
        const timer = setTimeout(retire, graceMs);
        await exited;
        clearTimeout(timer);
      }
      retire();
    },
  };
  return environment;
}

/** A protocol response line: `{"result": ...}` or `{"error": {errorType, errorMessage, trace?}}`. */
function readResponse(line: string): EnvironmentOutcome | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if ('error' in value) {
    const error = toLambdaErrorPayload((value as { error: unknown }).error);
    return error === undefined ? undefined : { kind: 'error', error };
  }
  if ('result' in value) return { kind: 'result', payload: (value as { result: unknown }).result };
  return undefined;
}
