import type { PipelineRecord } from '../../src/records.js';

/** A Kinesis-style sequence number: fixed width, so string order is numeric order. */
export function sequenceNumber(index: number): string {
  return (49_600_000_000_000_000_000n + BigInt(index)).toString();
}

export const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/test';
export const SHARD_ID = 'shardId-000000000000';
export const BASE_TIME = Date.UTC(2026, 0, 15, 9, 0, 0);

export interface StreamRecordOptions {
  readonly index: number;
  readonly key?: string;
  readonly shardId?: string;
  /** ms since epoch; default BASE_TIME + index ms. */
  readonly arrivalTime?: number;
  readonly data?: unknown;
  /** Overrides the computed JSON size (payload-limit tests). */
  readonly sizeBytes?: number;
  readonly source?: 'kinesis' | 'dynamodb';
}

/** A Kinesis (or DynamoDB) pipeline record with a minimal but well-formed Lambda record. */
export function streamRecord(options: StreamRecordOptions): PipelineRecord {
  const seq = sequenceNumber(options.index);
  const shardId = options.shardId ?? SHARD_ID;
  const key = options.key ?? `key-${options.index}`;
  const arrivalTime = options.arrivalTime ?? BASE_TIME + options.index;
  const payload = options.data ?? { i: options.index, key };
  const event =
    options.source === 'dynamodb'
      ? {
          eventID: `ev-${options.index}`,
          eventName: 'INSERT',
          eventSource: 'aws:dynamodb',
          dynamodb: { Keys: { id: { S: key } }, NewImage: { id: { S: key }, i: { N: String(options.index) } }, SequenceNumber: seq },
        }
      : {
          kinesis: {
            kinesisSchemaVersion: '1.0',
            partitionKey: key,
            sequenceNumber: seq,
            data: Buffer.from(JSON.stringify(payload)).toString('base64'),
            approximateArrivalTimestamp: arrivalTime / 1000,
          },
          eventSource: 'aws:kinesis',
          eventID: `${shardId}:${seq}`,
        };
  return {
    source: options.source ?? 'kinesis',
    itemIdentifier: seq,
    event,
    sizeBytes: options.sizeBytes ?? Buffer.byteLength(JSON.stringify(event)),
    arrivalTime,
    orderingKey: key,
    sequenceNumber: seq,
    shardId,
  };
}

/** `count` stream records, indexes `from`..`from + count - 1`, keys cycling over `keys` keys. */
export function streamRecords(count: number, options: { from?: number; keys?: number; shardId?: string; source?: 'kinesis' | 'dynamodb' } = {}): PipelineRecord[] {
  const from = options.from ?? 0;
  return Array.from({ length: count }, (_, i) =>
    streamRecord({
      index: from + i,
      ...(options.keys === undefined ? {} : { key: `pk-${(from + i) % options.keys}` }),
      ...(options.shardId === undefined ? {} : { shardId: options.shardId }),
      ...(options.source === undefined ? {} : { source: options.source }),
    }),
  );
}

export interface SqsRecordOptions {
  readonly id: string;
  readonly body?: string;
  readonly group?: string;
  readonly receiveCount?: number;
  readonly sizeBytes?: number;
}

/** An SQS pipeline record with a minimal Lambda SQS record. */
export function sqsRecord(options: SqsRecordOptions): PipelineRecord {
  const event = {
    messageId: options.id,
    receiptHandle: `rh-${options.id}-${options.receiveCount ?? 1}`,
    body: options.body ?? JSON.stringify({ id: options.id }),
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(BASE_TIME),
      ...(options.group === undefined ? {} : { MessageGroupId: options.group }),
    },
    messageAttributes: {},
    eventSource: 'aws:sqs',
  };
  return {
    source: 'sqs',
    itemIdentifier: options.id,
    event,
    sizeBytes: options.sizeBytes ?? Buffer.byteLength(JSON.stringify(event)),
    arrivalTime: BASE_TIME,
    receiptHandle: event.receiptHandle,
    ...(options.group === undefined ? {} : { orderingKey: options.group }),
  };
}

/** A record of exactly `sizeBytes` (for payload-limit arithmetic). */
export function sizedRecord(id: string, sizeBytes: number): PipelineRecord {
  return { ...sqsRecord({ id }), sizeBytes };
}
