import { setMaxListeners } from 'node:events';
import { isBatchFull, nextBatchLength } from '../../src/batching/payload.js';
import type { Clock } from '../../src/clock.js';
import type { Mapping } from '../../src/config/types.js';
import type { BatchOutcome } from '../../src/dispatch/invoke-batch.js';
import type { RecordFilter } from '../../src/filter/index.js';
import type { Logger } from '../../src/log.js';
import type { PipelineRecord } from '../../src/records.js';
import { fifoFailures } from './fifo-failures.js';
import type { QueuePort } from './queue-port.js';
import { createReceiveGate, type ReceiveGate } from './receive-gate.js';
import type { ReceiverScaling } from './receiver-scaling.js';
import { startVisibilityHeartbeat, type VisibilityHeartbeat } from './visibility-heartbeat.js';
import { cancel } from '../../src/util/cancel.js';

export interface QueueConsumerDeps {
  readonly mapping: Mapping;
  readonly queue: QueuePort;
  readonly filter: RecordFilter;
  readonly invoke: (records: readonly PipelineRecord[], signal: AbortSignal) => Promise<BatchOutcome>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Receive loops running at once (a fixed number; replay). */
  readonly receivers?: number;
  /** Live queues: receive loops scaled with the backlog (replaces `receivers`). */
  readonly scaling?: ReceiverScaling;
  readonly onProgress?: (event: QueueProgress) => void;
}

export type QueueProgress =
  | { readonly kind: 'received'; readonly records: number }
  | { readonly kind: 'filtered'; readonly records: number }
  | { readonly kind: 'deleted'; readonly records: number }
  | { readonly kind: 'failed'; readonly records: number }
  | { readonly kind: 'released'; readonly records: number };

/** ReceiveMessage returns at most 10 messages per call. */
const MAX_RECEIVE = 10;
/** A short-polling loop (`waitTimeSeconds: 0`) pauses this long after an empty receive. */
const EMPTY_SHORT_POLL_PAUSE_MS = 200;
/** After the grace period, deletes of processed messages and releases still get this long. */
const SETTLE_AFTER_ABORT_MS = 5_000;

interface LoopContext {
  readonly deps: QueueConsumerDeps;
  readonly stop: AbortSignal;
  readonly abort: AbortSignal;
  /** Deletes and releases: aborted a little after `abort`, so processed messages still get deleted. */
  readonly settleSignal: AbortSignal;
  /** Receives run with its signal: open long polls outlive `stop` until nothing is left to release. */
  readonly gate: ReceiveGate;
  readonly spawn: (count: number) => void;
  /** FIFO: the message groups with a batch being invoked, and when that invocation ends. */
  readonly groupsInFlight: Map<string, Promise<void>>;
}

/**
 * An SQS event source mapping's consumer: receive loops (each with one batch in flight,
 * scaled with the backlog) gather messages into batches of up to `batchSize` within
 * `maximumBatchingWindowInSeconds` and the 6 MB payload limit, invoke the function, delete what
 * succeeded, and leave what failed to the queue (it reappears after the visibility timeout; the
 * redrive policy moves it to the DLQ after `maxReceiveCount`). Messages the filter rejects are
 * deleted, as AWS does. A batch's messages stay invisible while it is processed (visibility
 * heartbeat). On `stop`, receiving stops and in-flight batches finish; on `abort` they are
 * interrupted; messages received but not processed are made visible again.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
 */
export async function runQueueConsumer(deps: QueueConsumerDeps, stop: AbortSignal, abort: AbortSignal): Promise<void> {
  // Every batch's visibility heartbeat listens to `abort` (two per receive loop while deletes
  // overlap the next receive): more than Node's default warning threshold of 10 is expected.
  setMaxListeners(0, abort);
  const failed = new AbortController();
  const finished = new AbortController();
  const settleController = new AbortController();
  // Every loop's deletes and releases in flight listen to it, as its open poll does to the gate's.
  setMaxListeners(0, settleController.signal);
  const onAbort = (): void => {
    deps.clock.sleep(SETTLE_AFTER_ABORT_MS, finished.signal).then(
      () => settleController.abort(abort.reason),
      () => undefined,
    );
  };
  if (abort.aborted) onAbort();
  else abort.addEventListener('abort', onAbort, { once: true });
  const running = new Set<Promise<void>>();
  let failure: { readonly error: unknown } | undefined;
  let started = 0;
  const stopAll = AbortSignal.any([stop, failed.signal]);
  const ctx: LoopContext = {
    deps,
    stop: stopAll,
    abort,
    settleSignal: settleController.signal,
    // Past the grace period, releases still need the open long polls (see receive-gate.ts).
    gate: createReceiveGate({ stop: stopAll, abort: settleController.signal, clock: deps.clock }),
    groupsInFlight: new Map(),
    spawn(count) {
      for (let i = 0; i < count && !ctx.stop.aborted; i += 1) {
        const index = started;
        started += 1;
        const loop: Promise<void> = receiveLoop(ctx, index)
          .catch((error: unknown) => {
            failure ??= { error };
            failed.abort(error);
          })
          .finally(() => running.delete(loop));
        running.add(loop);
      }
    },
  };
  ctx.spawn(deps.scaling?.active ?? Math.max(1, deps.receivers ?? 1));
  try {
    while (running.size > 0) await Promise.all([...running]);
  } finally {
    abort.removeEventListener('abort', onAbort);
    ctx.gate.close();
    cancel(finished);
  }
  if (failure !== undefined) throw failure.error;
}

async function receiveLoop(ctx: LoopContext, index: number): Promise<void> {
  const { deps, stop, abort } = ctx;
  const { mapping, queue, clock, scaling } = deps;
  const logger = index === 0 ? deps.logger : deps.logger.child({ receiver: index });
  const source = mapping.source.type === 'sqs' ? mapping.source : undefined;
  const waitTimeSeconds = source?.waitTimeSeconds ?? 20;
  const windowMs = mapping.maximumBatchingWindowInSeconds * 1000;
  const limits = { maxRecords: mapping.batchSize };
  // Received and not yet in a batch, in receive order: what did not fit in the last
  // batch's 6 MB opens the next one (never reordered, which FIFO queues need).
  const buffer: PipelineRecord[] = [];
  let heartbeat: VisibilityHeartbeat | undefined;
  let scaledDown = false;
  // The last batch's deletes: they run while this loop receives the next batch.
  let settling: Promise<void> = Promise.resolve();

  try {
    while (!stop.aborted) {
      heartbeat ??= startVisibilityHeartbeat({ queue, clock, logger, signal: abort });
      if (buffer.length > 0) heartbeat.add(buffer);
      const windowEnd = clock.now() + windowMs;
      let emptyLongPoll = false;
      while (!stop.aborted && !isBatchFull(buffer, limits)) {
        const remainingMs = windowEnd - clock.now();
        if (buffer.length > 0 && remainingMs <= 0) break;
        const wait = queue.finite
          ? 0
          : buffer.length === 0
            ? waitTimeSeconds
            : Math.min(waitTimeSeconds, Math.ceil(remainingMs / 1000));
        const max = Math.min(MAX_RECEIVE, mapping.batchSize - buffer.length);
        let received: PipelineRecord[];
        try {
          const receiving = queue.receive(max, wait, ctx.gate.signal);
          if (buffer.length > 0 && (await settledOrStopped(receiving, stop)) === 'stopped') {
            // A batch still being gathered goes back at once; this poll stays open and
            // returns (to be released too) whatever it gets meanwhile (see receive-gate.ts).
            const unfinished = buffer.splice(0);
            await ctx.gate.busy(() => releaseRecords(ctx, logger, unfinished));
          }
          received = await receiving;
        } catch (err) {
          if (stop.aborted || ctx.gate.signal.aborted) break;
          throw err;
        }
        if (received.length > 0) {
          deps.onProgress?.({ kind: 'received', records: received.length });
          buffer.push(...received);
          heartbeat.add(received);
          const more = scaling?.onMessages(received.length >= max) ?? 0;
          if (more > 0) ctx.spawn(more);
          continue;
        }
        if (queue.finite) break;
        if (buffer.length === 0) {
          if (wait > 0) {
            emptyLongPoll = true;
            break;
          }
          // Short polling: do not hammer the queue.
          await clock.sleep(EMPTY_SHORT_POLL_PAUSE_MS, stop).catch(() => undefined);
        }
      }
      if (buffer.length === 0) {
        if (emptyLongPoll && scaling?.onEmpty() === true) {
          scaledDown = true;
          return;
        }
        if (queue.finite) {
          if (queue.exhausted()) return;
          // Every remaining message is in flight in another receive loop.
          await clock.sleep(5, stop).catch(() => undefined);
        }
        continue;
      }
      if (stop.aborted) break;
      const batch = buffer.splice(0, nextBatchLength(buffer, limits));
      const current = heartbeat;
      heartbeat = undefined;
      let processed: ProcessedBatch;
      try {
        processed = await ctx.gate.busy(() => processBatch(ctx, batch, logger));
      } catch (err) {
        current.stop();
        throw err;
      }
      const previous = settling;
      // The heartbeat runs until the deletes are done, so a slow delete never lets a processed message reappear.
      settling = processed.settled.finally(() => current.stop());
      await (queue.finite ? settling : previous);
      const { failedGroups } = processed;
      if (failedGroups.size > 0) {
        // Later messages of a failed FIFO group, received but not yet in a batch, wait for the
        // failed ones to be received again (SQS keeps the group blocked while they are in flight).
        const waiting = buffer.filter((r) => r.orderingKey !== undefined && failedGroups.has(r.orderingKey));
        if (waiting.length > 0) {
          const held = new Set(waiting);
          buffer.splice(0, buffer.length, ...buffer.filter((r) => !held.has(r)));
          await ctx.gate.busy(() => releaseRecords(ctx, logger, waiting));
        }
      }
    }
  } finally {
    heartbeat?.stop();
    await settling;
    if (!scaledDown) scaling?.onExit();
    if (buffer.length > 0) await ctx.gate.busy(() => releaseRecords(ctx, logger, buffer));
  }
}

interface ProcessedBatch {
  /** FIFO message groups with a failed message in the batch. */
  readonly failedGroups: ReadonlySet<string>;
  /** Deletes (successes, filtered messages) and failure settlement; never rejects. */
  readonly settled: Promise<void>;
}

/** Invokes the function with one batch and starts settling it. */
async function processBatch(ctx: LoopContext, batch: readonly PipelineRecord[], logger: Logger): Promise<ProcessedBatch> {
  const { deps, abort, settleSignal } = ctx;
  const { queue } = deps;
  const matching = batch.filter((r) => deps.filter(r));
  let filtered: Promise<void> = Promise.resolve();
  if (matching.length < batch.length) {
    const kept = new Set(matching);
    const rejected = batch.filter((r) => !kept.has(r));
    deps.onProgress?.({ kind: 'filtered', records: rejected.length });
    filtered = settle(logger, 'delete of filtered messages', () => queue.delete(rejected, settleSignal));
  }
  if (matching.length === 0) return { failedGroups: new Set(), settled: filtered };
  let outcome: BatchOutcome;
  const releaseGroups = queue.fifo ? await holdGroups(ctx.groupsInFlight, matching) : undefined;
  try {
    outcome = await deps.invoke(matching, abort);
  } catch (err) {
    releaseGroups?.();
    // Interrupted (the grace period is over): the messages go back to the queue now.
    if (abort.aborted) {
      await queue.release(matching, settleSignal).then(
        () => deps.onProgress?.({ kind: 'released', records: matching.length }),
        () => undefined,
      );
    }
    await filtered;
    throw err;
  }
  releaseGroups?.();
  let failed: readonly PipelineRecord[];
  switch (outcome.kind) {
    case 'success':
      failed = [];
      break;
    case 'partial': {
      if (queue.fifo) {
        const fifo = fifoFailures(matching, outcome.failed);
        if (fifo.added.length > 0) {
          logger.warn(
            { added: fifo.added.length, groups: [...fifo.groups] },
            'FIFO batch: the function reported messages after a failure of their group as processed; they are kept failed to keep the group in order (on AWS they would have been deleted out of order)',
          );
        }
        failed = fifo.failed;
      } else {
        failed = outcome.failed;
      }
      break;
    }
    case 'failure':
      failed = matching;
      logger.warn({ records: matching.length, reason: outcome.reason, error: outcome.message }, 'batch failed; messages return after the visibility timeout');
      break;
  }
  const failedSet = new Set(failed);
  const succeeded = matching.filter((r) => !failedSet.has(r));
  const deleted =
    succeeded.length === 0
      ? Promise.resolve()
      : settle(logger, 'delete of processed messages', async () => {
          await queue.delete(succeeded, settleSignal);
          deps.onProgress?.({ kind: 'deleted', records: succeeded.length });
        });
  const failedSettled =
    failed.length === 0
      ? Promise.resolve()
      : deleted.then(() => {
          deps.onProgress?.({ kind: 'failed', records: failed.length });
          return settle(logger, 'settling failed messages', () => queue.settleFailed(failed, settleSignal));
        });
  const settled = Promise.all([filtered, deleted, failedSettled]).then(() => undefined);
  if (!queue.fifo || failed.length === 0) return { failedGroups: new Set(), settled };
  return { failedGroups: new Set(failed.flatMap((r) => (r.orderingKey === undefined ? [] : [r.orderingKey]))), settled };
}

/** Makes messages visible again at once (shutdown, FIFO messages behind a failure). */
async function releaseRecords(ctx: LoopContext, logger: Logger, records: readonly PipelineRecord[]): Promise<void> {
  if (records.length === 0) return;
  await settle(logger, 'release', async () => {
    await ctx.deps.queue.release(records, ctx.settleSignal);
    ctx.deps.onProgress?.({ kind: 'released', records: records.length });
  });
}

/** Waits for `work` to settle (without its outcome) or `stop` to abort, whichever comes first. */
async function settledOrStopped(work: Promise<unknown>, stop: AbortSignal): Promise<'settled' | 'stopped'> {
  if (stop.aborted) return 'stopped';
  let onStop: (() => void) | undefined;
  const stopped = new Promise<'stopped'>((resolve) => {
    onStop = () => resolve('stopped');
    stop.addEventListener('abort', onStop, { once: true });
  });
  try {
    return await Promise.race([work.then(() => 'settled' as const, () => 'settled' as const), stopped]);
  } finally {
    if (onStop) stop.removeEventListener('abort', onStop);
  }
}

/**
 * Runs a delete or visibility change. A failure (retries exhausted, or the grace period over)
 * is logged, not thrown: the messages are received again, which is at-least-once delivery.
 */
async function settle(logger: Logger, what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    logger.warn({ err }, `${what} failed; the messages will be received again`);
  }
}

/**
 * One batch per FIFO message group in flight, as Lambda guarantees: SQS itself hides a group
 * while one of its messages is in flight, but not every emulator does (moto does not), so a
 * batch waits here until no batch of its groups is being invoked. Batches wait in the order
 * they arrive, so a group's batches run in order. Returns the release for this batch.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
async function holdGroups(inFlight: Map<string, Promise<void>>, records: readonly PipelineRecord[]): Promise<() => void> {
  const groups = [...new Set(records.map((r) => r.orderingKey).filter((g): g is string => g !== undefined))];
  for (;;) {
    const busy = groups.map((g) => inFlight.get(g)).filter((p): p is Promise<void> => p !== undefined);
    if (busy.length === 0) break;
    await Promise.all(busy);
  }
  let done!: () => void;
  const ended = new Promise<void>((resolve) => (done = resolve));
  for (const g of groups) inFlight.set(g, ended);
  return () => {
    for (const g of groups) if (inFlight.get(g) === ended) inFlight.delete(g);
    done();
  };
}
