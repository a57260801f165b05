import type { Clock } from '../../src/clock.js';
import type { Logger } from '../../src/log.js';
import type { PipelineRecord } from '../../src/records.js';
import type { QueuePort } from './queue-port.js';

/** Keeps one batch's messages invisible while the batch is gathered and processed. */
export interface VisibilityHeartbeat {
  /** Messages joining the batch. */
  add(records: readonly PipelineRecord[]): void;
  /**
   * Messages carried over from the last batch (what did not fit in its 6 MB): extended at once,
   * since the last batch's heartbeat, which kept them hidden, may have stopped up to half a
   * visibility timeout before this one's first beat.
   */
  carryOver(records: readonly PipelineRecord[]): void;
  /** Messages leaving the batch (released to the queue): no longer extended. */
  remove(records: readonly PipelineRecord[]): void;
  /** The batch settled: stop extending (a failed message then reappears after one more timeout at most). */
  stop(): void;
}

/**
 * Failing heartbeats of every receive loop of one mapping, logged once per outage (a warning
 * when the first fails, an info line when one succeeds again), not once per beat per loop.
 */
export interface HeartbeatLog {
  /** A beat starts: pass what this returns to `succeeded` if it succeeds. */
  begin(): number;
  failed(err: unknown, records: number): void;
  /** A beat begun at `begun` succeeded: the outage is over unless a beat failed since it began. */
  succeeded(begun: number): void;
}

export function createHeartbeatLog(logger: Logger): HeartbeatLog {
  let failures = 0;
  let failing = 0;
  return {
    begin: () => failures,
    failed(err, records) {
      failures += 1;
      failing += 1;
      if (failing === 1) logger.warn({ err, records }, 'visibility heartbeat failing; messages may be received again (said once until a heartbeat succeeds)');
    },
    succeeded(begun) {
      if (failing === 0 || begun !== failures) return;
      logger.info({ failedBeats: failing }, 'visibility heartbeat succeeds again');
      failing = 0;
    },
  };
}

const NONE: VisibilityHeartbeat = { add: () => undefined, carryOver: () => undefined, remove: () => undefined, stop: () => undefined };

/**
 * Starts a visibility heartbeat for one batch: every half visibility timeout, the batch's
 * messages get another full timeout (`ChangeMessageVisibilityBatch`), so a batch that takes
 * longer than the queue's visibility timeout (a long batching window, a slow function) is not
 * received again by another loop while it is still being processed. Lambda asks instead for
 * a visibility timeout of six times the function timeout; sluice warns about that at start
 * and extends anyway, since a handler stopped in a debugger should not see its batch twice.
 * A queue without a visibility timeout (or a port that cannot extend) gets no heartbeat.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 */
export function startVisibilityHeartbeat(deps: {
  readonly queue: QueuePort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where failures are told; shared by a mapping's receive loops. Default: one for this heartbeat alone. */
  readonly log?: HeartbeatLog;
  /** Aborts the heartbeat's calls (the consumer's abort signal). */
  readonly signal: AbortSignal;
}): VisibilityHeartbeat {
  const { queue, clock, logger } = deps;
  const timeout = queue.visibilityTimeoutSeconds;
  const extend = queue.extendVisibility?.bind(queue);
  if (timeout === undefined || timeout <= 0 || extend === undefined) return NONE;
  let records: PipelineRecord[] = [];
  const intervalMs = (timeout * 1000) / 2;
  // A plain timer, not a loop sleeping on a per-batch AbortSignal: one heartbeat starts and
  // stops per batch, and a signal, its listeners and a promise cost more than the heartbeat.
  let stopped = false;
  let cancelTimer: () => void = () => undefined;
  const beat = (): void => {
    if (stopped) return;
    if (records.length === 0) {
      schedule();
      return;
    }
    void extendAll().finally(schedule);
  };
  const log = deps.log ?? createHeartbeatLog(logger);
  const extendAll = async (some: readonly PipelineRecord[] = records): Promise<void> => {
    const begun = log.begin();
    try {
      await extend([...some], timeout, deps.signal);
      logger.debug({ records: some.length, seconds: timeout }, 'visibility extended');
      log.succeeded(begun);
    } catch (err) {
      if (!stopped) log.failed(err, some.length);
    }
  };
  const schedule = (): void => {
    if (!stopped) cancelTimer = clock.timer(intervalMs, beat);
  };
  const stop = (): void => {
    stopped = true;
    deps.signal.removeEventListener('abort', stop);
    cancelTimer();
  };
  if (deps.signal.aborted) stop();
  else {
    deps.signal.addEventListener('abort', stop, { once: true });
    schedule();
  }

  return {
    add(more) {
      records.push(...more);
    },
    carryOver(more) {
      records.push(...more);
      void extendAll(more);
    },
    remove(gone) {
      const leaving = new Set(gone);
      records = records.filter((r) => !leaving.has(r));
    },
    stop,
  };
}
