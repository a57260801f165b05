import type { ShardPosition, ShardReader } from '../../pollers/streams/shard-reader.js';
import type { Clock } from '../clock.js';
import type { PipelineRecord } from '../records.js';

export interface RecordLimits {
  /** Stop after this many records. */
  readonly limit?: number;
  /** Stop after this many milliseconds. */
  readonly durationMs?: number;
}

/**
 * Reads every shard of a stream from `start` and hands each record to `write`, until
 * the limit or the duration is reached, or, with neither, until every shard is caught
 * up (an empty read with nothing behind it) or at its end. Parents are read before
 * children so the file keeps the stream's order per key.
 */
export async function recordStream(
  reader: ShardReader,
  start: ShardPosition,
  limits: RecordLimits,
  write: (record: PipelineRecord) => void,
  clock: Clock,
  signal: AbortSignal,
): Promise<number> {
  const deadline = limits.durationMs === undefined ? undefined : clock.now() + limits.durationMs;
  const shards = await reader.listShards(signal);
  let count = 0;
  const full = (): boolean => (limits.limit !== undefined && count >= limits.limit) || (deadline !== undefined && clock.now() >= deadline);

  const finished = new Map<string, Promise<void>>();
  const known = new Set(shards.map((s) => s.shardId));

  async function readShard(shardId: string, parents: readonly string[]): Promise<void> {
    const waitFor = parents.filter((p) => known.has(p));
    await Promise.all(waitFor.map((p) => finished.get(p)));
    let iterator: string | undefined = await reader.getIterator(shardId, waitFor.length > 0 ? { kind: 'TRIM_HORIZON' } : start, signal);
    while (iterator !== undefined && !full() && !signal.aborted) {
      const result = await reader.getRecords(shardId, iterator, reader.maxRecordsPerRead, signal);
      for (const record of result.records) {
        if (full()) break;
        write(record);
        count += 1;
      }
      iterator = result.nextIterator;
      const caughtUp = result.records.length === 0 && (result.millisBehindLatest ?? 0) === 0;
      if (caughtUp) {
        // Without a duration, a caught-up shard is done; with one, keep listening until it ends.
        if (deadline === undefined) break;
        await clock.sleep(Math.min(reader.pollIntervalMs || 200, Math.max(0, deadline - clock.now())), signal).catch(() => undefined);
      }
    }
  }
  // Every shard reads concurrently; a child starts once its parents were read to the end.
  for (const shard of shards) finished.set(shard.shardId, readShard(shard.shardId, shard.parentShardIds));
  await Promise.all(finished.values());
  return count;
}
