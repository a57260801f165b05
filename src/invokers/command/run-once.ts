import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createTailBuffer, drainAfterExit, killProcessTree, spawnProcessGroup } from './process-tree.js';

/** Lambda's synchronous response limit; stdout past it is not kept. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

export interface RunOnceOptions {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Written to stdin, which is then closed. */
  readonly input: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Receives each stderr line (the function's logs). */
  readonly onLog: (line: string) => void;
}

export type RunOnceOutcome =
  | {
      readonly kind: 'exited';
      readonly code: number | null;
      readonly signal: NodeJS.Signals | null;
      readonly stdout: string;
      readonly stdoutTooLarge: boolean;
      readonly stderrTail: string;
    }
  | { readonly kind: 'timed-out'; readonly stderrTail: string };

/**
 * Runs a command once: `input` on stdin, stdout collected, stderr streamed to
 * `onLog`. Past `timeoutMs` the whole process tree is killed. When the command
 * exits, what it left running in its process group is killed too: a one-shot
 * execution environment lives for one invocation. An abort of `signal` kills the
 * tree and rejects with the signal's reason.
 */
export async function runOnce(options: RunOnceOptions): Promise<RunOnceOutcome> {
  options.signal?.throwIfAborted();
  const child = await spawnProcessGroup(options.argv, { cwd: options.cwd, env: options.env });
  const stdout: Buffer[] = [];
  let stdoutBytes = 0;
  let stdoutTooLarge = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (stdoutBytes + chunk.length > MAX_RESPONSE_BYTES) {
      stdoutTooLarge = true;
      return;
    }
    stdout.push(chunk);
    stdoutBytes += chunk.length;
  });
  const stderrTail = createTailBuffer(8192);
  createInterface({ input: child.stderr, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
    stderrTail.append(`${line}\n`);
    options.onLog(line);
  });

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killProcessTree(child);
  }, options.timeoutMs);
  const onAbort = (): void => killProcessTree(child);
  // An abort that landed while the spawn was awaited fired no listener, and adding one
  // to an aborted signal never fires either: handle it now.
  if (options.signal?.aborted === true) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  // What the command left running in its group dies with it.
  child.once('exit', () => killProcessTree(child));
  drainAfterExit(child);

  child.stdin.end(options.input);
  try {
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    options.signal?.throwIfAborted();
    if (timedOut) return { kind: 'timed-out', stderrTail: stderrTail.text() };
    return {
      kind: 'exited',
      code,
      signal,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stdoutTooLarge,
      stderrTail: stderrTail.text(),
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
