import { createHash } from 'node:crypto';
import type { _Record as DynamoDbStreamsSdkRecord, StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, KinesisStreamRecord, ScheduledEvent, SQSRecord } from 'aws-lambda';
import { SluiceError } from '../errors.js';
import { dynamodbStreamArn, eventsRuleArn, kinesisStreamArn, partitionOf, snsTopicArn } from './arn.js';
import { dynamodbRecord } from './dynamodb.js';
import {
  fromWireImage,
  isWireImage,
  marshallPlain,
  toWireImage,
  type SdkAttributeValue,
} from './dynamodb-attributes.js';
import { dynamodbImageSize } from './dynamodb-size.js';
import { kinesisRecord } from './kinesis.js';
import { s3Record, type S3NotificationRecord } from './s3.js';
import type { SampleIds } from './sample-ids.js';
import { scheduledEvent, type ScheduledEventDetail } from './scheduled.js';
import { snsRecord, type SnsLambdaRecord } from './sns.js';
import { resolveSqsQueue, sqsRecord } from './sqs.js';

/** What every sample builder gets: its flags and the shared defaults. */
export interface SampleInput {
  /** A flag's value (by its kebab-case name), or undefined when not given. */
  get(flag: string): string | undefined;
  readonly region: string;
  readonly account: string;
  readonly time: Date;
  readonly ids: SampleIds;
}

export const DEFAULT_TEXT = 'Hello from sluice!';

/** An SQS record (standard, or FIFO when `fifo`) built through {@link sqsRecord}. */
export function sampleSqs(input: SampleInput, fifo: boolean): SQSRecord {
  const queue = resolveSqsQueue(input.get('queue') ?? (fifo ? 'sluice-queue.fifo' : 'sluice-queue'), input.region, input.account);
  if (fifo !== queue.name.endsWith('.fifo')) {
    throw invalid(fifo ? `FIFO queue names end in .fifo: ${queue.name}` : `${queue.name} is a FIFO queue: use "sqs-fifo"`);
  }
  const body = input.get('body') ?? DEFAULT_TEXT;
  const sent = input.time.getTime();
  const groupId = input.get('group-id') ?? (fifo ? 'group-1' : undefined);
  const attributes: Record<string, string> = {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(sent),
    ...(fifo ? { SequenceNumber: `1${input.ids.digits('sqs-sequence-number', 19)}` } : {}),
    ...(groupId !== undefined ? { MessageGroupId: groupId } : {}),
    SenderId: input.account,
    ...(fifo
      ? { MessageDeduplicationId: input.get('deduplication-id') ?? createHash('sha256').update(body).digest('hex') }
      : {}),
    ApproximateFirstReceiveTimestamp: String(sent + 5),
  };
  const attributeFlag = input.get('attribute');
  const message: Message = {
    MessageId: input.ids.uuid('sqs-message-id'),
    ReceiptHandle: `AQEB${input.ids.base64('sqs-receipt-handle', 96)}`,
    Body: body,
    Attributes: attributes,
    ...(attributeFlag !== undefined ? { MessageAttributes: parseAttributes(attributeFlag) } : {}),
  };
  return sqsRecord(message, { queueArn: queue.arn, region: queue.region });
}

/** `name=value[,name:Type=value...]`; a `Binary` type takes base64. */
function parseAttributes(text: string): Record<string, MessageAttributeValue> {
  const result: Record<string, MessageAttributeValue> = {};
  for (const item of text.split(',')) {
    const match = /^([^:=]+)(?::([^=]+))?=(.*)$/s.exec(item.trim());
    const name = match?.[1];
    const value = match?.[3];
    if (match === null || name === undefined || value === undefined) {
      throw invalid(`--attribute wants name=value or name:Type=value, got ${JSON.stringify(item)}`);
    }
    const dataType = match[2] ?? 'String';
    result[name] = dataType.startsWith('Binary')
      ? { DataType: dataType, BinaryValue: new Uint8Array(Buffer.from(value, 'base64')) }
      : { DataType: dataType, StringValue: value };
  }
  return result;
}

/** A Kinesis record built through {@link kinesisRecord}; `--data` is text, base64-encoded here. */
export function sampleKinesis(input: SampleInput): KinesisStreamRecord {
  const streamArn = kinesisStreamArn(input.get('stream') ?? 'sluice-stream', input.region, input.account);
  return kinesisRecord(
    {
      SequenceNumber: `49${input.ids.digits('kinesis-sequence-number', 54)}`,
      ApproximateArrivalTimestamp: input.time,
      Data: new Uint8Array(Buffer.from(input.get('data') ?? DEFAULT_TEXT, 'utf8')),
      PartitionKey: input.get('partition-key') ?? 'partition-1',
    },
    {
      shardId: input.get('shard-id') ?? 'shardId-000000000000',
      streamArn,
      region: input.region,
      invokeIdentityArn: `arn:${partitionOf(input.region)}:iam::${input.account}:role/sluice-lambda-role`,
    },
  );
}

const EVENT_NAMES = ['INSERT', 'MODIFY', 'REMOVE'] as const;
const VIEW_TYPES = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'] as const;

/**
 * A DynamoDB Streams record built through {@link dynamodbRecord}. Keys and
 * images are JSON, plain (`{"id":"1"}`) or in wire form (`{"id":{"S":"1"}}`);
 * images include the keys, and appear as the view type and event name allow.
 */
export function sampleDynamodb(input: SampleInput): DynamoDBRecord {
  const eventName = oneOf('event-name', input.get('event-name') ?? 'INSERT', EVENT_NAMES);
  const viewType = oneOf('view-type', input.get('view-type') ?? 'NEW_AND_OLD_IMAGES', VIEW_TYPES);
  const keys = image('keys', input.get('keys') ?? '{"id":"1"}');
  const newFlag = input.get('new-image');
  const oldFlag = input.get('old-image');
  if (eventName === 'REMOVE' && newFlag !== undefined) throw invalid('--new-image: a REMOVE has no new image');
  if (eventName === 'INSERT' && oldFlag !== undefined) throw invalid('--old-image: an INSERT has no old image');
  const newImage = { ...keys, ...image('new-image', newFlag ?? `{"message":${JSON.stringify(DEFAULT_TEXT)}}`) };
  const oldImage = { ...keys, ...image('old-image', oldFlag ?? '{"message":"Hello"}') };
  const withNew = eventName !== 'REMOVE' && (viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES');
  const withOld = eventName !== 'INSERT' && (viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES');
  const stream: StreamRecord = {
    ApproximateCreationDateTime: new Date(Math.floor(input.time.getTime() / 1000) * 1000),
    Keys: keys,
    ...(withNew ? { NewImage: newImage } : {}),
    ...(withOld ? { OldImage: oldImage } : {}),
    SequenceNumber: `4${input.ids.digits('dynamodb-sequence-number', 27)}`,
    SizeBytes:
      dynamodbImageSize(toWireImage(keys)) +
      (withNew ? dynamodbImageSize(toWireImage(newImage)) : 0) +
      (withOld ? dynamodbImageSize(toWireImage(oldImage)) : 0),
    StreamViewType: viewType,
  };
  const record: DynamoDbStreamsSdkRecord = {
    eventID: input.ids.hex('dynamodb-event-id', 32),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: input.region,
    dynamodb: stream,
  };
  const label = input.time.toISOString().slice(0, -1);
  const streamArn = dynamodbStreamArn(input.get('table') ?? 'sluice-table', label, input.region, input.account);
  return dynamodbRecord(record, { streamArn, region: input.region });
}

function image(flag: string, text: string): Record<string, SdkAttributeValue> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    throw invalid(`--${flag} must be JSON, got ${JSON.stringify(text)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid(`--${flag} must be a JSON object, got ${JSON.stringify(text)}`);
  }
  if (isWireImage(parsed)) return fromWireImage(parsed, flag);
  const result: Record<string, SdkAttributeValue> = {};
  for (const [name, value] of Object.entries(parsed)) result[name] = marshallPlain(value, `${flag}.${name}`);
  return result;
}

/** An S3 record built through {@link s3Record}; `--key` is the raw key (encoded as S3 does). */
export function sampleS3(input: SampleInput): S3NotificationRecord {
  const eventName = (input.get('event-name') ?? 'ObjectCreated:Put').replace(/^s3:/, '');
  const removed = eventName.startsWith('ObjectRemoved:');
  const sizeFlag = input.get('size');
  if (removed && sizeFlag !== undefined) throw invalid(`--size: ${eventName} events carry no object size`);
  const size = sizeFlag === undefined ? 1024 : Number(sizeFlag);
  if (!Number.isSafeInteger(size) || size < 0) throw invalid(`--size must be a whole number of bytes, got ${JSON.stringify(sizeFlag)}`);
  const key = input.get('key') ?? 'uploads/hello world.txt';
  return s3Record({
    eventName,
    bucket: input.get('bucket') ?? 'sluice-bucket',
    key,
    ...(removed ? {} : { size, eTag: input.ids.hex(`s3-etag:${key}`, 32) }),
    sequencer: input.ids.hex('s3-sequencer', 18).toUpperCase(),
    region: input.region,
    time: input.time,
    principalId: `AWS:${input.account}`,
  });
}

/** An SNS record built through {@link snsRecord} from the HTTP body SNS would send. */
export function sampleSns(input: SampleInput): SnsLambdaRecord {
  const topicArn = snsTopicArn(input.get('topic') ?? 'sluice-topic', input.region, input.account);
  const subscriptionArn = `${topicArn}:${input.ids.uuid('sns-subscription-id')}`;
  const endpoint = `https://sns.${input.region}.amazonaws.com`;
  const subject = input.get('subject');
  return snsRecord(
    {
      Type: 'Notification',
      MessageId: input.ids.uuid('sns-message-id'),
      TopicArn: topicArn,
      ...(subject !== undefined ? { Subject: subject } : {}),
      Message: input.get('message') ?? DEFAULT_TEXT,
      Timestamp: input.time.toISOString(),
      SignatureVersion: '1',
      Signature: input.ids.base64('sns-signature', 256),
      SigningCertURL: `${endpoint}/SimpleNotificationService-${input.ids.hex('sns-certificate', 32)}.pem`,
      UnsubscribeURL: `${endpoint}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
    },
    { subscriptionArn },
  );
}

/** A Scheduled Event built through {@link scheduledEvent}. */
export function sampleSchedule(input: SampleInput): ScheduledEvent<ScheduledEventDetail> {
  return scheduledEvent({
    id: input.ids.uuid('schedule-event-id'),
    time: input.time,
    account: input.account,
    region: input.region,
    ruleArn: eventsRuleArn(input.get('rule') ?? 'sluice-schedule', input.region, input.account),
  });
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalid(`--${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function invalid(message: string): SluiceError {
  return new SluiceError('InvalidArgument', message);
}
