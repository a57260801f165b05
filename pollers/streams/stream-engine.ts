import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../src/clock.js';
import type { Mapping } from '../../src/config/types.js';
import type { BatchOutcome } from '../../src/dispatch/invoke-batch.js';
import type { StreamBatchDeps } from '../../src/dispatch/stream-policy.js';
import type { RecordFilter } from '../../src/filter/index.js';
import type { Logger } from '../../src/log.js';
import type { PipelineRecord } from '../../src/records.js';
import { SHARD_END, type CheckpointStore, type Lease } from '../../src/state/checkpoint-store.js';
import { createNotifier } from '../../src/util/notifier.js';
import { runShardConsumer, type ShardProgress } from './shard-consumer.js';
import type { ShardPosition, ShardReader, StreamShard } from './shard-reader.js';
import type { EventExtra } from './tumbling-window.js';

export interface StreamEngineDeps {
  readonly mapping: Mapping;
  readonly reader: ShardReader;
  readonly store: CheckpointStore;
  readonly filter: RecordFilter;
  /** Invokes the function; `extra` adds top-level event fields (a tumbling window's). */
  readonly invoke: (records: readonly PipelineRecord[], signal: AbortSignal, shardId: string, extra?: EventExtra) => Promise<BatchOutcome>;
  readonly batch: Omit<StreamBatchDeps, 'invoke' | 'onDone' | 'shardId' | 'logger' | 'clock' | 'streamArn' | 'source'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often shards are listed again, to find children after a reshard. */
  readonly discoveryIntervalMs?: number;
  readonly onProgress?: (shardId: string, event: ShardProgress) => void;
  readonly retryDelayMs?: (attempt: number) => number;
}

/**
 * Runs a stream mapping: discovers shards (and rediscovers them periodically), gives
 * every shard its own consumer so all shards are read concurrently, and starts a child
 * shard only once each of its parents reached SHARD_END and was fully processed.
 * Resolves when `stop` aborts and every consumer stopped, or, for a finite source (a
 * replay file), when every shard reached its end. A consumer that fails stops the other
 * consumers (they finish their in-flight batches) and the engine rejects with its error.
 * @see https://docs.aws.amazon.com/streams/latest/dev/kinesis-record-processor-scaling.html
 */
export async function runStreamEngine(deps: StreamEngineDeps, stop: AbortSignal, abort: AbortSignal): Promise<void> {
  const { mapping, reader, store, clock, logger } = deps;
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const running = new Map<string, Promise<void>>();
  const ended = new Set<string>();
  const failed = new Map<string, unknown>();
  const consumerFinished = createNotifier();
  const discoveryIntervalMs = deps.discoveryIntervalMs ?? 10_000;
  // A failed shard consumer stops the whole mapping (the others drain as on `stop`),
  // and the engine rejects with its error: a fault is never left running half-dead.
  const halt = new AbortController();
  const intake = AbortSignal.any([stop, halt.signal]);
  setMaxListeners(0, intake);

  const checkpoints = await store.listCheckpoints(mapping.name, reader.streamArn);
  for (const [shardId, value] of checkpoints) if (value === SHARD_END) ended.add(shardId);

  while (!intake.aborted) {
    let shards: readonly StreamShard[];
    try {
      shards = await reader.listShards(intake);
    } catch (err) {
      if (intake.aborted) break;
      logger.warn({ err }, 'listing shards failed; retrying');
      await clock.sleep(Math.min(discoveryIntervalMs, 2_000), intake).catch(() => undefined);
      continue;
    }
    const known = new Set(shards.map((s) => s.shardId));
    for (const shard of shards) {
      if (running.has(shard.shardId) || ended.has(shard.shardId) || failed.has(shard.shardId)) continue;
      // Parents that are gone from the listing (trimmed) count as done, as KCL does.
      const waiting = shard.parentShardIds.filter((p) => known.has(p) && !ended.has(p));
      if (waiting.length > 0) continue;
      running.set(shard.shardId, startConsumer(shard));
    }
    const allDone = shards.every((s) => ended.has(s.shardId));
    if (reader.finite && allDone && running.size === 0) break;
    // A live stream's shards rarely end: most of these waits end by the timeout.
    await consumerFinished.wait(intake, reader.finite ? undefined : { ms: discoveryIntervalMs, clock });
  }
  await Promise.all(running.values());
  if (failed.size > 0) {
    const [shardId, err] = failed.entries().next().value as [string, unknown];
    throw err instanceof Error ? err : new Error(`shard ${shardId} failed: ${String(err)}`);
  }

  function startConsumer(shard: StreamShard): Promise<void> {
    const shardLogger = logger.child({ shard: shard.shardId });
    return (async () => {
      const key = { mapping: mapping.name, streamArn: reader.streamArn, shardId: shard.shardId };
      let lease: Lease | undefined;
      try {
        lease = await store.acquireLease(key, owner);
        const checkpoint = await store.getCheckpoint(key);
        const start = startingPosition(shard, checkpoint);
        shardLogger.info({ start }, 'shard consumer started');
        const result = await runShardConsumer(
          {
            mapping,
            reader,
            shardId: shard.shardId,
            start,
            store,
            lease,
            filter: deps.filter,
            invoke: (records, signal, extra) => deps.invoke(records, signal, shard.shardId, extra),
            batch: { ...deps.batch, source: reader.source, streamArn: reader.streamArn },
            clock,
            logger: shardLogger,
            ...(deps.onProgress ? { onProgress: (e: ShardProgress) => deps.onProgress?.(shard.shardId, e) } : {}),
            ...(deps.retryDelayMs ? { retryDelayMs: deps.retryDelayMs } : {}),
            giveUp: halt.signal,
          },
          intake,
          abort,
        );
        if (result === 'SHARD_END') ended.add(shard.shardId);
        shardLogger.info({ result }, 'shard consumer finished');
      } catch (err) {
        if (!abort.aborted) {
          shardLogger.error({ err }, 'shard consumer failed; stopping the mapping');
          failed.set(shard.shardId, err);
          halt.abort(err);
        }
      } finally {
        if (lease) {
          await store.releaseLease(lease).catch((err: unknown) => {
            shardLogger.error({ err }, 'releasing the lease failed; its last checkpoints may not be saved, and records after the last saved one are delivered again');
          });
        }
        running.delete(shard.shardId);
        consumerFinished.notify();
      }
    })();
  }

  function startingPosition(shard: StreamShard, checkpoint: string | undefined): ShardPosition {
    if (checkpoint !== undefined && checkpoint !== SHARD_END) {
      return { kind: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint };
    }
    // A child shard is read from its start: its parents' records came first.
    if (shard.parentShardIds.some((p) => ended.has(p))) return { kind: 'TRIM_HORIZON' };
    switch (mapping.startingPosition ?? 'TRIM_HORIZON') {
      case 'LATEST':
        return { kind: 'LATEST' };
      case 'AT_TIMESTAMP':
        return { kind: 'AT_TIMESTAMP', timestamp: new Date(mapping.startingPositionTimestamp ?? clock.now()) };
      default:
        return { kind: 'TRIM_HORIZON' };
    }
  }
}
