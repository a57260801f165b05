import { setTimeout as delay } from 'node:timers/promises';
import { SluiceError } from '../../src/errors.js';
import type { EmulatorProcess } from './emulator-process.js';
import type { Probe } from './probes.js';

/** What to wait for. */
export interface WaitUntilReadyOptions {
  /** Named in errors: `elasticmq`, or `SLUICE_TEST_ENDPOINT`. */
  readonly name: string;
  readonly endpoint: string;
  readonly probe: Probe;
  /** Named in errors: `SQS ListQueues`. */
  readonly probeName: string;
  readonly timeoutMs: number;
  /** The emulator's process, when we started it: its exit ends the wait at once, and its output is quoted. */
  readonly process?: EmulatorProcess;
  readonly signal?: AbortSignal;
  /** Appended to a timeout's message. */
  readonly advice?: string;
}

const PROBE_TIMEOUT_MS = 5_000;
const RETRY_INTERVAL_MS = 150;
const TAIL_LINES = 40;

/**
 * Resolves once `probe` succeeds against `endpoint`. Throws `EmulatorExited` as soon as the process exits,
 * `EmulatorStartTimeout` after `timeoutMs`; both name the emulator, the call and the process's last lines.
 */
export async function waitUntilReady(options: WaitUntilReadyOptions): Promise<void> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    const exit = options.process?.exit();
    if (exit !== undefined && options.process !== undefined) {
      throw new SluiceError(
        'EmulatorExited',
        `${options.name} exited before answering ${options.probeName} on ${options.endpoint} ` +
          `(${exit.signal ?? `code ${String(exit.code)}`}). Its last output:\n${options.process.output.tail(TAIL_LINES)}`,
      );
    }
    const attempt = options.signal === undefined
      ? AbortSignal.timeout(PROBE_TIMEOUT_MS)
      : AbortSignal.any([options.signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)]);
    try {
      await options.probe(options.endpoint, attempt);
      return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const output = options.process === undefined ? '' : ` Its last output:\n${options.process.output.tail(TAIL_LINES)}`;
      throw new SluiceError(
        'EmulatorStartTimeout',
        `${options.name} did not answer ${options.probeName} on ${options.endpoint} within ${options.timeoutMs} ms ` +
          `(last error: ${describe(lastError)}).${options.advice === undefined ? '' : ` ${options.advice}`}${output}`,
        { cause: lastError },
      );
    }
    const waits: Promise<unknown>[] = [delay(RETRY_INTERVAL_MS)];
    if (options.process !== undefined) waits.push(options.process.exited);
    await Promise.race(waits);
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
