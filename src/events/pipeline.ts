import type { _Record as DynamoDbStreamsSdkRecord } from '@aws-sdk/client-dynamodb-streams';
import type { _Record as KinesisSdkRecord } from '@aws-sdk/client-kinesis';
import type { Message } from '@aws-sdk/client-sqs';
import type { PipelineRecord } from '../records.js';
import { dynamodbKeysString, dynamodbRecord, type DynamoDbRecordContext } from './dynamodb.js';
import { kinesisRecord, type KinesisRecordContext } from './kinesis.js';
import type { S3NotificationRecord } from './s3.js';
import type { SnsLambdaRecord } from './sns.js';
import { sqsRecord, type SqsRecordContext } from './sqs.js';

/**
 * Normalize and describe: each function turns a source's record into the
 * pipeline's {@link PipelineRecord} (the exact Lambda record plus what
 * batching, ordering and checkpoints need). `sizeBytes` is the record's JSON
 * length in bytes.
 */

/**
 * An SQS message as a pipeline record: `itemIdentifier` is the `messageId`,
 * `arrivalTime` the `SentTimestamp`, `orderingKey` the FIFO `MessageGroupId`.
 *
 * @example
 * ```json
 * { "source": "sqs", "itemIdentifier": "059f36b4-87a3-44ab-83d2-661975830a7d", "arrivalTime": 1545082649183,
 *   "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...", "sizeBytes": 473, "event": { "messageId": "..." } }
 * ```
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export function sqsPipelineRecord(message: Message, ctx: SqsRecordContext): PipelineRecord {
  const record = sqsRecord(message, ctx);
  const groupId = record.attributes.MessageGroupId;
  return {
    source: 'sqs',
    itemIdentifier: record.messageId,
    event: asEvent(record),
    sizeBytes: jsonBytes(record),
    arrivalTime: Number(record.attributes.SentTimestamp),
    ...(groupId !== undefined ? { orderingKey: groupId } : {}),
    receiptHandle: record.receiptHandle,
  };
}

/**
 * A Kinesis record as a pipeline record: `itemIdentifier` and `sequenceNumber`
 * are the sequence number, `orderingKey` the partition key.
 *
 * @example
 * ```json
 * { "source": "kinesis", "itemIdentifier": "4959033827149025660855969253836157109592157598913658889", "orderingKey": "1",
 *   "sequenceNumber": "4959033827149025660855969253836157109592157598913658889", "shardId": "shardId-000000000006",
 *   "arrivalTime": 1545084650987, "sizeBytes": 512, "event": { "kinesis": { "...": "..." } } }
 * ```
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 */
export function kinesisPipelineRecord(record: KinesisSdkRecord, ctx: KinesisRecordContext): PipelineRecord {
  const event = kinesisRecord(record, ctx);
  return {
    source: 'kinesis',
    itemIdentifier: event.kinesis.sequenceNumber,
    event: asEvent(event),
    sizeBytes: jsonBytes(event),
    arrivalTime: Math.round(event.kinesis.approximateArrivalTimestamp * 1000),
    orderingKey: event.kinesis.partitionKey,
    sequenceNumber: event.kinesis.sequenceNumber,
    shardId: ctx.shardId,
  };
}

/** Where a DynamoDB Streams record was read from, for the pipeline. */
export interface DynamoDbPipelineContext extends DynamoDbRecordContext {
  readonly shardId: string;
  /** When the record was read (ms): its arrival time when the stream gives no `ApproximateCreationDateTime`. */
  readonly receivedAt: number;
}

/**
 * A DynamoDB Streams record as a pipeline record: `itemIdentifier` and
 * `sequenceNumber` are `dynamodb.SequenceNumber`, `orderingKey` a stable
 * string of the item's `Keys`.
 *
 * @example
 * ```json
 * { "source": "dynamodb", "itemIdentifier": "4421584500000000017450439091", "orderingKey": "[[\"Id\",{\"N\":\"101\"}]]",
 *   "sequenceNumber": "4421584500000000017450439091", "shardId": "shardId-00000001", "arrivalTime": 1428537600000 }
 * ```
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
 */
export function dynamodbPipelineRecord(record: DynamoDbStreamsSdkRecord, ctx: DynamoDbPipelineContext): PipelineRecord {
  const event = dynamodbRecord(record, ctx);
  const stream = event.dynamodb ?? {};
  const sequenceNumber = stream.SequenceNumber ?? '';
  const created = stream.ApproximateCreationDateTime;
  return {
    source: 'dynamodb',
    itemIdentifier: sequenceNumber,
    event: asEvent(event),
    sizeBytes: jsonBytes(event),
    arrivalTime: created !== undefined ? Math.round(created * 1000) : ctx.receivedAt,
    orderingKey: dynamodbKeysString(stream.Keys ?? {}),
    sequenceNumber,
    shardId: ctx.shardId,
  };
}

/**
 * An S3 record as a pipeline record: `itemIdentifier` is
 * `<bucket>/<encoded key>@<sequencer or eventTime>`, `arrivalTime` the `eventTime`.
 *
 * @example
 * ```json
 * { "source": "s3", "itemIdentifier": "uploads/photos/a+b.jpg@0C0F6F405D6ED209E1", "arrivalTime": 1567539447192 }
 * ```
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html
 */
export function s3PipelineRecord(record: S3NotificationRecord): PipelineRecord {
  const { bucket, object } = record.s3;
  return {
    source: 's3',
    itemIdentifier: `${bucket.name}/${object.key}@${object.sequencer ?? record.eventTime}`,
    event: asEvent(record),
    sizeBytes: jsonBytes(record),
    arrivalTime: Date.parse(record.eventTime),
  };
}

/**
 * An SNS record as a pipeline record: `itemIdentifier` is the `MessageId`,
 * `arrivalTime` the `Timestamp`.
 *
 * @example
 * ```json
 * { "source": "sns", "itemIdentifier": "95df01b4-ee98-5cb9-9903-4c221d41eb5e", "arrivalTime": 1546433107000 }
 * ```
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 */
export function snsPipelineRecord(record: SnsLambdaRecord): PipelineRecord {
  return {
    source: 'sns',
    itemIdentifier: record.Sns.MessageId,
    event: asEvent(record),
    sizeBytes: jsonBytes(record),
    arrivalTime: Date.parse(record.Sns.Timestamp),
  };
}

/** Bytes a value adds to an invoke payload: its JSON length in UTF-8. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

function asEvent(record: object): Readonly<Record<string, unknown>> {
  return record as Readonly<Record<string, unknown>>;
}
