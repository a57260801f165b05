/**
 * One GetRecords read ahead per shard: when a read returns records and the shard is
 * behind (`isBehind`), the next read (with the iterator it returned) starts at once, before the
 * records are normalized, filtered and batched. Without it, the stream's server waits idle
 * while sluice works through each response (a tenth of the time against kinesis-local, whose
 * single thread is the bottleneck of a drain). GetRecords only reads, so a read ahead that
 * is never asked for (the consumer stopped, or asked from another position) costs nothing
 * but the call; its error, if any, is kept for the consumer that asks, or dropped.
 *
 * No library fits: p-queue and friends schedule work, they do not hand over a result keyed
 * by the call's argument.
 */
export interface ReadAhead<T> {
  /** The read of `iterator` already under way for `shardId`, if any (a shard's read ahead is taken once). */
  take(shardId: string, iterator: string): Promise<T> | undefined;
  /** Starts reading `iterator` of `shardId` ahead (replacing what the shard had). */
  start(shardId: string, iterator: string, read: () => Promise<T>): void;
}

/** Read-ahead state for one reader: one read at most per shard. */
export function createReadAhead<T>(): ReadAhead<T> {
  const ahead = new Map<string, { readonly iterator: string; readonly read: Promise<T> }>();
  return {
    take(shardId, iterator) {
      const entry = ahead.get(shardId);
      ahead.delete(shardId);
      return entry?.iterator === iterator ? entry.read : undefined;
    },
    start(shardId, iterator, read) {
      const pending = read();
      // Kept for `take`; a rejection nobody takes must not be an unhandled rejection.
      pending.catch(() => undefined);
      ahead.set(shardId, { iterator, read: pending });
    },
  };
}

/**
 * True when a read says the shard has more records waiting: it returned records, and either
 * `MillisBehindLatest` is above 0 or the read was full (kinesis-mock always reports 0, and a
 * read of `limit` records almost never ends exactly at the tip). A shard that is not behind
 * is caught up: its consumer waits the poll interval before the next read.
 */
export function isBehind(read: { readonly records: number; readonly limit: number; readonly millisBehindLatest: number | undefined }): boolean {
  if (read.records === 0) return false;
  return read.records >= read.limit || read.millisBehindLatest !== 0;
}
