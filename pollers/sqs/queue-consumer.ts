import { setMaxListeners } from 'node:events';
import { isBatchFull, nextBatchLength } from '../../src/batching/payload.js';
import type { Clock } from '../../src/clock.js';
import { isRetryable } from '../../src/errors.js';
import type { Mapping } from '../../src/config/types.js';
import type { Logger } from '../../src/log.js';
import type { PipelineRecord } from '../../src/records.js';
import { processBatch, settle, type BatchContext, type BatchDeps, type ProcessedBatch } from './process-batch.js';
import { createReceiveGate, type ReceiveGate } from './receive-gate.js';
import type { ReceiverScaling } from './receiver-scaling.js';
import { createHeartbeatLog, startVisibilityHeartbeat, type HeartbeatLog, type VisibilityHeartbeat } from './visibility-heartbeat.js';
import { cancel } from '../../src/util/cancel.js';

export type { QueueProgress } from './process-batch.js';

export interface QueueConsumerDeps extends BatchDeps {
  readonly mapping: Mapping;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Receive loops running at once (a fixed number; replay). */
  readonly receivers?: number;
  /** Live queues: receive loops scaled with the backlog (replaces `receivers`). */
  readonly scaling?: ReceiverScaling;
}

/** ReceiveMessage returns at most 10 messages per call. */
const MAX_RECEIVE = 10;
/** A short-polling loop (`waitTimeSeconds: 0`) pauses this long after an empty receive. */
const EMPTY_SHORT_POLL_PAUSE_MS = 200;
/** After the grace period, deletes of processed messages and releases still get this long. */
const SETTLE_AFTER_ABORT_MS = 5_000;

interface LoopContext extends BatchContext {
  readonly deps: QueueConsumerDeps;
  readonly stop: AbortSignal;
  /** Receives run with its signal: open long polls outlive `stop` until nothing is left to release. */
  readonly gate: ReceiveGate;
  /** Every loop's heartbeat failures, logged once per outage. */
  readonly heartbeatLog: HeartbeatLog;
  readonly spawn: (count: number) => void;
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
    heartbeatLog: createHeartbeatLog(deps.logger),
    spawn(count) {
      for (let i = 0; i < count && !ctx.stop.aborted; i += 1) {
        const index = started;
        started += 1;
        const loop: Promise<void> = receiveLoop(ctx, index)
          .catch((error: unknown) => {
            if (failure === undefined) {
              // Said now: the other loops' batches may run for up to the function timeout first.
              deps.logger.error({ err: error }, 'an SQS receive loop failed: the mapping stops once its batches in flight finish');
            }
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
      heartbeat ??= startVisibilityHeartbeat({ queue, clock, logger, log: ctx.heartbeatLog, signal: abort });
      if (buffer.length > 0) heartbeat.carryOver(buffer);
      const windowEnd = clock.now() + windowMs;
      let emptyPoll = false;
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
          // While a batch is gathering, a failing receive gives up when its window ends.
          const receiving = queue.receive(max, wait, ctx.gate.signal, buffer.length > 0 ? Math.max(0, remainingMs) : undefined);
          if (buffer.length > 0 && (await settledOrStopped(receiving, stop)) === 'stopped') {
            // A batch still being gathered goes back at once; this poll stays open and
            // returns (to be released too) whatever it gets meanwhile (see receive-gate.ts).
            const unfinished = buffer.splice(0);
            // Released means visible now: the heartbeat must not hide them again.
            heartbeat.remove(unfinished);
            await ctx.gate.busy(() => releaseRecords(ctx, logger, unfinished));
          }
          received = await receiving;
        } catch (err) {
          if (stop.aborted || ctx.gate.signal.aborted) break;
          // The window is over and the queue still fails: invoke what was gathered.
          if (buffer.length > 0 && isRetryable(err)) break;
          throw err;
        }
        if (received.length > 0) {
          deps.onProgress?.({ kind: 'received', records: received.length });
          buffer.push(...received);
          heartbeat.add(received);
          // After stop, a poll left open can still return messages (see receive-gate.ts): they
          // are released, and no loop starts for them.
          const more = stop.aborted ? 0 : (scaling?.onMessages(received.length >= max) ?? 0);
          if (more > 0) ctx.spawn(more);
          continue;
        }
        if (queue.finite) break;
        // Short polling (waitTimeSeconds 0): do not hammer the queue, with or without a batch gathering.
        if (wait === 0) await clock.sleep(EMPTY_SHORT_POLL_PAUSE_MS, stop).catch(() => undefined);
        if (buffer.length === 0) {
          emptyPoll = true;
          break;
        }
      }
      if (buffer.length === 0) {
        if (emptyPoll && scaling?.onEmpty() === true) {
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
          current.remove(waiting);
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
