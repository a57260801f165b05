import type { PipelineRecord } from '../../src/records.js';

/** Where a shard consumer starts reading. */
export type ShardPosition =
  | { readonly kind: 'TRIM_HORIZON' }
  | { readonly kind: 'LATEST' }
  | { readonly kind: 'AT_TIMESTAMP'; readonly timestamp: Date }
  | { readonly kind: 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string };

export interface StreamShard {
  readonly shardId: string;
  /** Parent (and adjacent parent, after a merge) shard ids. */
  readonly parentShardIds: readonly string[];
}

export interface ReadResult {
  readonly records: readonly PipelineRecord[];
  /** Absent at SHARD_END: the shard is closed and fully read. */
  readonly nextIterator?: string;
  /**
   * The iterator age: Kinesis `MillisBehindLatest`; for DynamoDB Streams the age of the last
   * record read, 0 for an empty read (caught up).
   * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
   */
  readonly millisBehindLatest?: number;
}

/**
 * The port one stream source (Kinesis, DynamoDB Streams, a replay file) offers the
 * shard engine. Errors are `SluiceError`s: code `ExpiredIterator` (the consumer gets a
 * new iterator), `Throttled` (back off; not a failure), anything else retryable or not.
 */
export interface ShardReader {
  readonly source: 'kinesis' | 'dynamodb';
  readonly streamArn: string;
  /** Most records one read returns (Kinesis 10,000, DynamoDB Streams 1,000). */
  readonly maxRecordsPerRead: number;
  /** Wait between reads of a caught-up shard. */
  readonly pollIntervalMs: number;
  /** A replay file ends; a live stream never does. */
  readonly finite: boolean;
  listShards(signal: AbortSignal): Promise<readonly StreamShard[]>;
  getIterator(shardId: string, position: ShardPosition, signal: AbortSignal): Promise<string>;
  getRecords(shardId: string, iterator: string, limit: number, signal: AbortSignal): Promise<ReadResult>;
}
