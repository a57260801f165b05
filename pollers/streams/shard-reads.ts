import type { Clock } from '../../src/clock.js';
import { SluiceError } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import type { ReadResult, ShardPosition, ShardReader } from './shard-reader.js';

/** One shard's reads, with the retries and recoveries every read needs. */
export interface ShardReads {
  /** An iterator at `position`, or at TRIM_HORIZON when the records there were trimmed. */
  iteratorAt(position: ShardPosition): Promise<string>;
  getRecords(iterator: string): Promise<ReadResult>;
}

/**
 * Reads of one shard: retryable errors (throttling among them) are retried with backoff
 * until `intake` aborts, logged on the first attempt and every tenth; others are thrown.
 *
 * An iterator at trimmed records (DynamoDB Streams keeps 24 hours) is replaced by one at the
 * oldest record, with a warning that records were lost. This is the DynamoDB Streams Kinesis
 * Adapter's default (skip to TRIM_HORIZON): retrying the same position can never succeed,
 * and would leave the shard stuck for good.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html
 */
export function createShardReads(deps: {
  readonly reader: ShardReader;
  readonly shardId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intake: AbortSignal;
}): ShardReads {
  const { reader, shardId, clock, logger, intake } = deps;

  async function withReadRetry<T>(read: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await read();
      } catch (err) {
        const throttled = err instanceof SluiceError && err.code === 'Throttled';
        const retryable = throttled || (err instanceof SluiceError && err.retryable);
        if (!retryable || intake.aborted) throw err;
        if (attempt === 1 || attempt % 10 === 0) {
          logger.warn({ err, attempt }, throttled ? 'read throttled; backing off' : 'read failed; retrying');
        }
        await clock.sleep(Math.min(100 * 2 ** attempt, 10_000), intake);
      }
    }
  }

  return {
    async iteratorAt(position) {
      try {
        return await withReadRetry(() => reader.getIterator(shardId, position, intake));
      } catch (err) {
        if (!(err instanceof SluiceError && err.code === 'TrimmedData')) throw err;
        logger.warn({ err, position }, 'records were trimmed from the stream before they were processed; continuing from the oldest record (TRIM_HORIZON)');
        return withReadRetry(() => reader.getIterator(shardId, { kind: 'TRIM_HORIZON' }, intake));
      }
    },
    getRecords: (iterator) => withReadRetry(() => reader.getRecords(shardId, iterator, reader.maxRecordsPerRead, intake)),
  };
}
