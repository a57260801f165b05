import type { Clock } from '../../src/clock.js';
import { FailureReason, type BatchOutcome } from '../../src/dispatch/invoke-batch.js';
import { pauseBeforeRetry, processStreamBatch, type StreamBatchDeps } from '../../src/dispatch/stream-policy.js';
import type { Logger } from '../../src/log.js';
import type { PipelineRecord } from '../../src/records.js';

/** A tumbling window: `[start, end)` in epoch milliseconds. */
export interface TumblingWindow {
  readonly start: number;
  readonly end: number;
}

/** Extra top-level event fields an invocation carries (a tumbling window's). */
export type EventExtra = Readonly<Record<string, unknown>>;

/**
 * The window a record falls in, by its arrival time: windows of `seconds` aligned on
 * the epoch, so every shard and every restart agrees on the boundaries.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html
 */
export function windowOf(arrivalTime: number, seconds: number): TumblingWindow {
  const size = seconds * 1000;
  const start = Math.floor(arrivalTime / size) * size;
  return { start, end: start + size };
}

/**
 * The fields Lambda adds to a tumbling-window invocation's event, beside `Records`.
 *
 * @example
 * ```json
 * { "window": { "start": "2020-07-30T17:00:00Z", "end": "2020-07-30T17:05:00Z" }, "state": { "1": 282 },
 *   "shardId": "shardId-000000000006", "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/lambda-stream",
 *   "isFinalInvokeForWindow": false, "isWindowTerminatedEarly": false }
 * ```
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html
 */
export function windowEventFields(
  window: TumblingWindow,
  state: Readonly<Record<string, unknown>>,
  shardId: string,
  streamArn: string,
  final: boolean,
  terminatedEarly: boolean,
): EventExtra {
  return {
    window: { start: isoSeconds(window.start), end: isoSeconds(window.end) },
    state,
    shardId,
    eventSourceARN: streamArn,
    isFinalInvokeForWindow: final,
    isWindowTerminatedEarly: terminatedEarly,
  };
}

/** `2020-07-30T17:00:00Z`: ISO 8601 without milliseconds, as Lambda's window fields are. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The `state` of a tumbling-window response, or undefined when it has none (Lambda
 * counts such a response as a failed invocation).
 */
export function responseState(response: unknown): Readonly<Record<string, unknown>> | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const state = (response as { state?: unknown }).state;
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return undefined;
  return state as Record<string, unknown>;
}

/** What the windowed lane needs from its shard consumer. */
export interface WindowedLaneDeps {
  readonly seconds: number;
  readonly shardId: string;
  readonly streamArn: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly buffer: PipelineRecord[];
  readonly maxRecords: (records: readonly PipelineRecord[]) => number;
  readonly invoke: (records: readonly PipelineRecord[], signal: AbortSignal, extra: EventExtra) => Promise<BatchOutcome>;
  /** The batch policy deps, without `invoke` / `onDone` (this lane supplies them). */
  readonly batch: Omit<StreamBatchDeps, 'invoke' | 'onDone'>;
  /** Records finished: only called once their window's final invocation succeeded (or was given up). */
  readonly markDone: (records: readonly PipelineRecord[]) => void;
  readonly onDone?: StreamBatchDeps['onDone'];
  readonly readerDone: () => boolean;
  readonly shardEnded: () => boolean;
  /** Waits for a change (records read, reader done) or `ms`. */
  readonly changeOrTimeout: (ms: number) => Promise<void>;
  /** Notifies the reader that buffered records were taken. */
  readonly taken: () => void;
  readonly retryDelayMs: (attempt: number) => number;
  readonly maximumRetryAttempts: number;
}

/**
 * A shard's single lane when `tumblingWindowInSeconds` > 0: batches never span
 * windows; every invocation gets the window, the state the previous invocation of the
 * window returned (`{}` first), and a response without `state` is a failed invocation;
 * when the window's end passes (or the shard ends: `isWindowTerminatedEarly`), a final
 * invocation (`isFinalInvokeForWindow`) gets the state, and only then are the window's
 * records done, so the checkpoint never moves inside an unfinished window.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-windows.html
 */
export async function runWindowedLane(deps: WindowedLaneDeps, intake: AbortSignal, abort: AbortSignal): Promise<void> {
  const { buffer, clock, seconds } = deps;
  let open: { window: TumblingWindow; state: Readonly<Record<string, unknown>>; held: PipelineRecord[] } | undefined;

  const batchDeps = (current: NonNullable<typeof open>): StreamBatchDeps => ({
    ...deps.batch,
    invoke: async (records, signal) => {
      const outcome = await deps.invoke(records, signal, windowEventFields(current.window, current.state, deps.shardId, deps.streamArn, false, false));
      if (outcome.kind === 'failure') return outcome;
      const state = responseState(outcome.response);
      if (state === undefined) {
        return { kind: 'failure', reason: FailureReason.InvalidResponse, message: 'a tumbling window response must return state', requestId: outcome.requestId };
      }
      current.state = state;
      return outcome;
    },
    onDone: (records, how) => {
      deps.onDone?.(records, how);
      current.held.push(...records);
    },
  });

  /**
   * The window's final invocation, retried as a batch is: up to `maximumRetryAttempts` times
   * the function fails (then the window is given up), and without counting the times the
   * function never ran (an unreachable invoker), as `processStreamBatch` does.
   */
  async function closeWindow(current: NonNullable<typeof open>, early: boolean): Promise<void> {
    const giveUp = deps.batch.giveUp;
    let failures = 0;
    let unpaidWaits = 0;
    for (;;) {
      // The consumer faulted: the window's records stay undone, for the lease's next owner.
      if (giveUp?.aborted) return;
      const extra = windowEventFields(current.window, current.state, deps.shardId, deps.streamArn, true, early);
      const outcome = await deps.invoke([], abort, extra);
      if (outcome.kind === 'failure' && outcome.reason === FailureReason.InvokerError) {
        unpaidWaits += 1;
        deps.logger.warn({ window: extra['window'], reason: outcome.message, wait: unpaidWaits }, 'final window invocation failed before the function ran; retrying');
        if (!(await pauseBeforeRetry(clock, deps.retryDelayMs(unpaidWaits), abort, giveUp))) return;
        continue;
      }
      unpaidWaits = 0;
      const state = outcome.kind === 'failure' ? undefined : responseState(outcome.response);
      if (state !== undefined) break;
      const retries = deps.maximumRetryAttempts;
      if (retries !== -1 && failures >= retries) {
        deps.logger.warn({ window: extra['window'], attempts: failures + 1 }, 'final window invocation failed; moving on');
        break;
      }
      failures += 1;
      if (!(await pauseBeforeRetry(clock, deps.retryDelayMs(failures), abort, giveUp))) return;
    }
    open = undefined;
    deps.markDone(current.held);
  }

  for (;;) {
    if (intake.aborted) return;
    const first = buffer[0];
    if (open !== undefined) {
      const laterWindow = first !== undefined && windowOf(first.arrivalTime, seconds).start !== open.window.start;
      const ended = clock.now() >= open.window.end;
      const drainedShard = first === undefined && deps.readerDone() && deps.shardEnded();
      if ((ended || laterWindow) && (first === undefined || laterWindow)) {
        await closeWindow(open, false);
        continue;
      }
      if (drainedShard) {
        await closeWindow(open, true);
        continue;
      }
    }
    if (first === undefined) {
      if (deps.readerDone()) return;
      await deps.changeOrTimeout(open ? Math.max(open.window.end - clock.now(), 1) : 60_000);
      continue;
    }
    const window = windowOf(first.arrivalTime, seconds);
    open ??= { window, state: {}, held: [] };
    let sameWindow = 0;
    while (sameWindow < buffer.length && windowOf((buffer[sameWindow] as PipelineRecord).arrivalTime, seconds).start === window.start) sameWindow += 1;
    const take = Math.min(sameWindow, deps.maxRecords(buffer.slice(0, sameWindow)));
    const batch = buffer.splice(0, Math.max(take, 1));
    deps.taken();
    await processStreamBatch(batch, batchDeps(open), abort);
  }
}
