import { setMaxListeners } from 'node:events';
import { isBatchFull, nextBatchLength } from '../../src/batching/payload.js';
import type { Clock } from '../../src/clock.js';
import type { Mapping } from '../../src/config/types.js';
import type { BatchOutcome } from '../../src/dispatch/invoke-batch.js';
import type { StreamDiscardCondition } from '../../src/dispatch/failure-records.js';
import { processStreamBatch, type StreamBatchDeps } from '../../src/dispatch/stream-policy.js';
import { SluiceError } from '../../src/errors.js';
import type { RecordFilter } from '../../src/filter/index.js';
import type { Logger } from '../../src/log.js';
import type { PipelineRecord } from '../../src/records.js';
import { SHARD_END, type CheckpointStore, type Lease } from '../../src/state/checkpoint-store.js';
import { createNotifier } from '../../src/util/notifier.js';
import { createCheckpointWriter } from './checkpoint-writer.js';
import { createPositionTracker } from './position-tracker.js';
import { createShardReads } from './shard-reads.js';
import { isBehind } from './read-ahead.js';
import type { ShardPosition, ShardReader } from './shard-reader.js';
import { runWindowedLane, type EventExtra } from './tumbling-window.js';

export interface ShardConsumerDeps {
  readonly mapping: Mapping;
  readonly reader: ShardReader;
  readonly shardId: string;
  readonly start: ShardPosition;
  readonly store: CheckpointStore;
  readonly lease: Lease;
  readonly filter: RecordFilter;
  /** Invokes the function; `extra` adds top-level event fields (a tumbling window's). */
  readonly invoke: (records: readonly PipelineRecord[], signal: AbortSignal, extra?: EventExtra) => Promise<BatchOutcome>;
  readonly batch: Omit<StreamBatchDeps, 'invoke' | 'onDone' | 'shardId' | 'logger' | 'clock'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called with every observation worth a metric. */
  readonly onProgress?: (event: ShardProgress) => void;
  /** Overrides the backoff between failed batch attempts (tests). */
  readonly retryDelayMs?: (attempt: number) => number;
  /** The mapping has faulted elsewhere (another shard's consumer): batches stop retrying, as on a fault here. */
  readonly giveUp?: AbortSignal;
}

export type ShardProgress =
  | { readonly kind: 'read'; readonly records: number; readonly millisBehindLatest?: number }
  | { readonly kind: 'filtered'; readonly records: number }
  | { readonly kind: 'done'; readonly records: number; readonly how: 'processed' | StreamDiscardCondition }
  | { readonly kind: 'checkpoint'; readonly sequenceNumber: string };

export type ShardConsumerResult = 'SHARD_END' | 'STOPPED';

/** Records read ahead of processing, per lane, before the reader waits (at least one full read, see `readLoop`). */
const READ_AHEAD_BATCHES = 2;

/**
 * One shard's consumer, as KCL has it: reads the shard, batches records, processes
 * up to `parallelizationFactor` batches at once (records of one partition key, or item
 * key, always in one lane so never in two batches at once, and in order), and moves
 * the checkpoint only past records whose batch, and every earlier one, is done.
 *
 * `stop` stops intake: the in-flight batches finish, the checkpoint is saved, and the
 * consumer resolves `STOPPED`. `abort` (the grace period is over) interrupts them.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
export async function runShardConsumer(
  deps: ShardConsumerDeps,
  stop: AbortSignal,
  abort: AbortSignal,
): Promise<ShardConsumerResult> {
  const { mapping, reader, shardId, clock, logger } = deps;
  // A tumbling window's state is carried from one invocation to the next: one lane.
  const windowed = mapping.tumblingWindowInSeconds > 0;
  const lanes = Array.from({ length: windowed ? 1 : mapping.parallelizationFactor }, () => ({
    buffer: [] as PipelineRecord[],
    firstBufferedAt: 0,
  }));
  const tracker = createPositionTracker();
  const changed = createNotifier();
  const windowMs = mapping.maximumBatchingWindowInSeconds * 1000;
  const limits = { maxRecords: mapping.batchSize };
  // A fault (a read that cannot be retried, a lost lease, a failed batch) stops intake
  // like `stop` does: in-flight batches finish, then the consumer throws the fault.
  const halt = new AbortController();
  const intake = AbortSignal.any([stop, halt.signal]);
  setMaxListeners(0, intake);
  let fault: { readonly error: unknown } | undefined;
  const fail = (error: unknown): void => {
    if (fault !== undefined) return;
    fault = { error };
    halt.abort(error);
  };
  // Failing batches stop retrying on a fault, here or elsewhere in the mapping (see StreamBatchDeps.giveUp).
  const giveUp = deps.giveUp === undefined ? halt.signal : AbortSignal.any([halt.signal, deps.giveUp]);
  let readerDone = false;
  let shardEnded = false;
  const checkpoints = createCheckpointWriter({
    store: deps.store,
    lease: deps.lease,
    logger,
    onSaved: (position) => deps.onProgress?.({ kind: 'checkpoint', sequenceNumber: position }),
    onFailure: fail,
    halted: () => fault !== undefined,
  });
  const markDone = (records: readonly PipelineRecord[]): void => {
    tracker.done(records);
    const position = tracker.advance();
    if (position !== undefined) checkpoints.save(position);
    changed.notify();
  };

  const laneOf = (record: PipelineRecord): number => laneOfKey(record.orderingKey ?? record.itemIdentifier, lanes.length);

  /** Waits until something changes or `ms` pass, whichever first, leaving no timer or listener behind. */
  const changeOrTimeout = (ms: number): Promise<void> => changed.wait(intake, { ms, clock });

  // The next GetRecords goes out while there is room for a whole read: reading then overlaps
  // processing (a cap of a few batches would leave the function idle during every read, and
  // the reader idle during every batch), and at most two reads' worth of records wait in memory.
  const readAhead = Math.max(mapping.batchSize * READ_AHEAD_BATCHES * lanes.length, reader.maxRecordsPerRead);

  const reads = createShardReads({ reader, shardId, clock, logger, intake });

  async function readLoop(): Promise<void> {
    let iterator = await reads.iteratorAt(deps.start);
    let regets = 0;
    let lastRead: string | undefined;
    while (!intake.aborted) {
      const buffered = lanes.reduce((n, lane) => n + lane.buffer.length, 0);
      if (buffered >= readAhead) {
        await changed.wait(intake);
        continue;
      }
      let result;
      try {
        result = await reads.getRecords(iterator);
      } catch (err) {
        if (err instanceof SluiceError && (err.code === 'ExpiredIterator' || err.code === 'TrimmedData')) {
          regets += 1;
          // Once is normal; again and again (an endpoint that keeps refusing) backs off.
          if (regets > 1) await clock.sleep(Math.min(100 * 2 ** regets, 10_000), intake).catch(() => undefined);
          logger.info({ after: lastRead ?? null, code: err.code }, 'shard iterator no longer usable; getting a new one');
          const position: ShardPosition = lastRead ? { kind: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastRead } : deps.start;
          iterator = await reads.iteratorAt(position);
          continue;
        }
        throw err;
      }
      regets = 0;
      const records = result.records;
      deps.onProgress?.({
        kind: 'read',
        records: records.length,
        ...(result.millisBehindLatest === undefined ? {} : { millisBehindLatest: result.millisBehindLatest }),
      });
      if (records.length > 0) {
        tracker.add(records);
        lastRead = records[records.length - 1]?.sequenceNumber ?? lastRead;
        const skipped: PipelineRecord[] = [];
        const now = clock.now();
        for (const record of records) {
          if (!deps.filter(record)) {
            skipped.push(record);
            continue;
          }
          const lane = lanes[laneOf(record)] as (typeof lanes)[number];
          if (lane.buffer.length === 0) lane.firstBufferedAt = now;
          lane.buffer.push(record);
        }
        if (skipped.length > 0) {
          deps.onProgress?.({ kind: 'filtered', records: skipped.length });
          markDone(skipped);
        }
        changed.notify();
      }
      if (result.nextIterator === undefined) {
        shardEnded = true;
        return;
      }
      iterator = result.nextIterator;
      const behind = isBehind({ records: records.length, limit: reader.maxRecordsPerRead, millisBehindLatest: result.millisBehindLatest });
      if (!behind) await clock.sleep(reader.pollIntervalMs, intake).catch(() => undefined);
    }
  }

  async function laneLoop(lane: (typeof lanes)[number], index: number): Promise<void> {
    const laneLogger = lanes.length > 1 ? logger.child({ lane: index }) : logger;
    const batchDeps: StreamBatchDeps = {
      ...deps.batch,
      shardId,
      clock,
      logger: laneLogger,
      invoke: deps.invoke,
      giveUp,
      onDone: (records, how) => {
        deps.onProgress?.({ kind: 'done', records: records.length, how });
        markDone(records);
      },
      ...(deps.retryDelayMs ? { retryDelayMs: deps.retryDelayMs } : {}),
    };
    for (;;) {
      if (intake.aborted) return;
      if (lane.buffer.length === 0) {
        if (readerDone) return;
        await changed.wait(intake);
        continue;
      }
      if (windowMs > 0 && !readerDone && !isBatchFull(lane.buffer, limits)) {
        const remaining = lane.firstBufferedAt + windowMs - clock.now();
        if (remaining > 0) {
          await changeOrTimeout(remaining);
          continue;
        }
      }
      // The previous batch's checkpoint is saved before the next batch is invoked, as KCL's
      // processors checkpoint: a crash then delivers at most the batch in flight again.
      if (checkpoints.busy) {
        await checkpoints.saved();
        continue;
      }
      const batch = lane.buffer.splice(0, nextBatchLength(lane.buffer, limits));
      if (lane.buffer.length > 0) lane.firstBufferedAt = clock.now();
      changed.notify();
      await processStreamBatch(batch, batchDeps, abort);
    }
  }

  function windowedLane(buffer: PipelineRecord[]): Promise<void> {
    return runWindowedLane(
      {
        seconds: mapping.tumblingWindowInSeconds,
        shardId,
        streamArn: deps.batch.streamArn,
        clock,
        logger,
        buffer,
        maxRecords: (records) => nextBatchLength(records, limits),
        invoke: deps.invoke,
        batch: { ...deps.batch, shardId, clock, logger, giveUp, ...(deps.retryDelayMs ? { retryDelayMs: deps.retryDelayMs } : {}) },
        markDone,
        onDone: (records, how) => deps.onProgress?.({ kind: 'done', records: records.length, how }),
        readerDone: () => readerDone,
        shardEnded: () => shardEnded,
        changeOrTimeout,
        taken: () => changed.notify(),
        retryDelayMs: deps.retryDelayMs ?? ((attempt) => Math.min(100 * 2 ** (attempt - 1), 5_000)),
        maximumRetryAttempts: deps.batch.policy.maximumRetryAttempts,
      },
      intake,
      abort,
    );
  }

  const reading = readLoop()
    .catch((err: unknown) => {
      // A read cut short by stop is not a fault: what was not read is read next time.
      if (!intake.aborted) fail(err);
    })
    .finally(() => {
      readerDone = true;
      changed.notify();
    });
  const processing = lanes.map((lane, i) =>
    (windowed ? windowedLane(lane.buffer) : laneLoop(lane, i)).catch((err: unknown) => {
      if (abort.aborted) throw err;
      fail(err);
    }),
  );
  const settled = await Promise.allSettled([reading, ...processing]);
  await checkpoints.saved();
  if (fault !== undefined) throw fault.error;
  const aborted = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (aborted) throw aborted.reason;
  if (shardEnded && tracker.outstanding === 0 && lanes.every((l) => l.buffer.length === 0)) {
    await deps.store.checkpoint(deps.lease, SHARD_END);
    deps.onProgress?.({ kind: 'checkpoint', sequenceNumber: SHARD_END });
    logger.info('shard end reached and fully processed');
    return 'SHARD_END';
  }
  return 'STOPPED';
}

/**
 * The lane (0 .. lanes-1) records of an ordering key go to: with `parallelizationFactor`,
 * records of one partition key (or item key) share a lane, so they stay in order and are
 * never in two batches at once.
 */
export function laneOfKey(key: string, lanes: number): number {
  return lanes <= 1 ? 0 : hashKey(key) % lanes;
}

/** FNV-1a: a fast, stable hash of an ordering key into a lane. */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
