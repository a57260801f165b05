import type { SourceType } from './config/types.js';

/**
 * A record as it travels through the pipeline: the exact Lambda record JSON plus
 * what batching, ordering, filtering and checkpoints need to know about it.
 */
export interface PipelineRecord {
  readonly source: SourceType;
  /**
   * The identifier Lambda expects back in `batchItemFailures[].itemIdentifier`:
   * SQS `messageId`, Kinesis and DynamoDB sequence number.
   */
  readonly itemIdentifier: string;
  /** The record exactly as Lambda delivers it in `Records[]`. */
  readonly event: Readonly<Record<string, unknown>>;
  /** Bytes this record adds to the invoke payload (its JSON length). */
  readonly sizeBytes: number;
  /** When the record entered the source (ms since epoch), for record / event age rules. */
  readonly arrivalTime: number;
  /** Ordering key: Kinesis partition key, DynamoDB item keys, SQS FIFO message group id. */
  readonly orderingKey?: string;
  /** Streams: the record's sequence number (as a decimal string), for checkpoints. */
  readonly sequenceNumber?: string;
  /** Streams: the shard the record came from. */
  readonly shardId?: string;
  /** SQS: the receipt handle of this receive. */
  readonly receiptHandle?: string;
}
