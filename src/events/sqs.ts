import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttribute, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { SluiceError } from '../errors.js';
import { isArn, partitionOf } from './arn.js';
import { md5OfBody, md5OfMessageAttributes } from './sqs-md5.js';

/** Where an SQS message was received from. */
export interface SqsRecordContext {
  /** The queue's ARN (see {@link sqsQueueArn}). */
  readonly queueArn: string;
  readonly region: string;
}

/**
 * System attributes in the order Lambda delivers them: the AWS samples put
 * `AWSTraceHeader` right after `ApproximateReceiveCount`, and FIFO's
 * `SequenceNumber` / `MessageGroupId` / `MessageDeduplicationId` between the
 * standard ones. Attributes SQS adds later follow, in the order received.
 */
const ATTRIBUTE_ORDER = [
  'ApproximateReceiveCount',
  'AWSTraceHeader',
  'SentTimestamp',
  'SequenceNumber',
  'MessageGroupId',
  'SenderId',
  'MessageDeduplicationId',
  'ApproximateFirstReceiveTimestamp',
  'DeadLetterQueueSourceArn',
] as const;

const REQUIRED_ATTRIBUTES = [
  'ApproximateReceiveCount',
  'SentTimestamp',
  'SenderId',
  'ApproximateFirstReceiveTimestamp',
] as const;

/**
 * The SQS record Lambda delivers for a message received with
 * `MessageSystemAttributeNames: ['All']` and `MessageAttributeNames: ['All']`
 * (what Lambda's poller asks for).
 *
 * - `messageAttributes` use Lambda's camelCase shape, always with
 *   `stringListValues: []` and `binaryListValues: []`; binary values are base64.
 * - `md5OfMessageAttributes` is present only when the message has attributes,
 *   and comes before `md5OfBody`, as in real deliveries.
 * - Digests the message lacks (emulators, replay files) are computed as SQS does.
 *
 * @example
 * ```json
 * {
 *   "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
 *   "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",
 *   "body": "Test message.",
 *   "attributes": {
 *     "ApproximateReceiveCount": "1",
 *     "SentTimestamp": "1545082649183",
 *     "SenderId": "AIDAIENQZJOLO23YVJ4VO",
 *     "ApproximateFirstReceiveTimestamp": "1545082649185"
 *   },
 *   "messageAttributes": {},
 *   "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
 *   "eventSource": "aws:sqs",
 *   "eventSourceARN": "arn:aws:sqs:us-east-2:123456789012:my-queue",
 *   "awsRegion": "us-east-2"
 * }
 * ```
 * @throws SluiceError `MalformedRecord` when the message lacks its id, receipt
 *   handle, body or one of the system attributes every delivery carries.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
export function sqsRecord(message: Message, ctx: SqsRecordContext): SQSRecord {
  const messageId = required(message.MessageId, 'MessageId', message);
  const receiptHandle = required(message.ReceiptHandle, 'ReceiptHandle', message);
  const body = required(message.Body, 'Body', message);
  const attributes = recordAttributes(message);
  const messageAttributes = recordMessageAttributes(message.MessageAttributes ?? {});
  const hasMessageAttributes = Object.keys(messageAttributes).length > 0;

  const record: SQSRecord = {
    messageId,
    receiptHandle,
    body,
    attributes,
    messageAttributes,
    ...(hasMessageAttributes
      ? { md5OfMessageAttributes: message.MD5OfMessageAttributes ?? md5OfMessageAttributes(message.MessageAttributes ?? {}) }
      : {}),
    md5OfBody: message.MD5OfBody ?? md5OfBody(body),
    eventSource: 'aws:sqs',
    eventSourceARN: ctx.queueArn,
    awsRegion: ctx.region,
  };
  return record;
}

function recordAttributes(message: Message): SQSRecordAttributes {
  const received: Readonly<Record<string, string | undefined>> = message.Attributes ?? {};
  for (const name of REQUIRED_ATTRIBUTES) {
    if (received[name] === undefined) {
      throw new SluiceError(
        'MalformedRecord',
        `SQS message ${message.MessageId ?? '(no id)'} lacks system attribute ${name}; ` +
          `ReceiveMessage must ask for MessageSystemAttributeNames ['All'], as Lambda does`,
      );
    }
  }
  const ordered: Record<string, string> = {};
  for (const name of ATTRIBUTE_ORDER) {
    const value = received[name];
    if (value !== undefined) ordered[name] = value;
  }
  for (const [name, value] of Object.entries(received)) {
    if (value !== undefined && !(name in ordered) && name !== 'All') ordered[name] = value;
  }
  return ordered as unknown as SQSRecordAttributes;
}

function recordMessageAttributes(attributes: Readonly<Record<string, MessageAttributeValue>>): SQSMessageAttributes {
  const result: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    const dataType = value.DataType;
    if (dataType === undefined) {
      throw new SluiceError('MalformedRecord', `SQS message attribute "${name}" has no DataType`);
    }
    const attribute: SQSMessageAttribute = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
      stringListValues: [...(value.StringListValues ?? [])],
      binaryListValues: (value.BinaryListValues ?? []).map((bytes) => Buffer.from(bytes).toString('base64')),
      dataType,
    };
    result[name] = attribute;
  }
  return result;
}

function required(value: string | undefined, field: string, message: Message): string {
  if (value === undefined) {
    throw new SluiceError('MalformedRecord', `SQS message ${message.MessageId ?? '(no id)'} has no ${field}`);
  }
  return value;
}

/** A queue reference resolved into its parts. */
export interface SqsQueueRef {
  readonly name: string;
  readonly region: string;
  readonly account: string;
  readonly arn: string;
}

/**
 * Resolves a queue name, URL or ARN into name, region, account and ARN.
 * URLs carry the account as the path segment before the name (AWS, LocalStack,
 * ElasticMQ) and the region in `sqs.<region>.` hosts; what a reference does not
 * carry comes from `region` / `account`.
 *
 * @example
 * ```json
 * {
 *   "input": "https://sqs.us-east-2.amazonaws.com/123456789012/orders.fifo",
 *   "output": { "name": "orders.fifo", "region": "us-east-2", "account": "123456789012",
 *               "arn": "arn:aws:sqs:us-east-2:123456789012:orders.fifo" }
 * }
 * ```
 * @throws SluiceError `InvalidQueue` when the reference has no queue name.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-message-identifiers.html
 */
export function resolveSqsQueue(queue: string, region: string, account: string): SqsQueueRef {
  if (isArn(queue)) {
    const parts = queue.split(':');
    const [arnRegion, arnAccount, name] = [parts[3], parts[4], parts.slice(5).join(':')];
    if (parts[2] !== 'sqs' || arnRegion === undefined || arnAccount === undefined || name === '') {
      throw new SluiceError('InvalidQueue', `not an SQS queue ARN: ${JSON.stringify(queue)}`);
    }
    return { name, region: arnRegion, account: arnAccount, arn: queue };
  }
  if (/^https?:\/\//.test(queue)) {
    const url = new URL(queue);
    const segments = url.pathname.split('/').filter((segment) => segment !== '');
    const name = segments.at(-1);
    if (name === undefined) throw new SluiceError('InvalidQueue', `queue URL has no queue name: ${JSON.stringify(queue)}`);
    const pathAccount = segments.at(-2);
    const urlAccount = pathAccount !== undefined && /^\d{12}$/.test(pathAccount) ? pathAccount : account;
    const hostRegion = /^sqs\.([a-z0-9-]+)\./.exec(url.hostname)?.[1] ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com$/.exec(url.hostname)?.[1];
    const urlRegion = hostRegion ?? region;
    return { name, region: urlRegion, account: urlAccount, arn: queueArn(name, urlRegion, urlAccount) };
  }
  if (queue === '' || queue.includes('/')) {
    throw new SluiceError('InvalidQueue', `not a queue name, URL or ARN: ${JSON.stringify(queue)}`);
  }
  return { name: queue, region, account, arn: queueArn(queue, region, account) };
}

/**
 * The ARN of a queue given by name, URL or ARN (see {@link resolveSqsQueue}).
 *
 * @example
 * ```json
 * { "input": "orders", "output": "arn:aws:sqs:us-east-1:000000000000:orders" }
 * ```
 */
export function sqsQueueArn(queueUrlOrNameOrArn: string, region: string, account: string): string {
  return resolveSqsQueue(queueUrlOrNameOrArn, region, account).arn;
}

function queueArn(name: string, region: string, account: string): string {
  return `arn:${partitionOf(region)}:sqs:${region}:${account}:${name}`;
}
