/**
 * PipelineRecords for filter tests, built from the record shapes Lambda documents.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#example-standard-queue-message-event
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-event-example
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html#services-dynamodb-event-example
 */
import { Buffer } from 'node:buffer';
import type { PipelineRecord } from '../../src/records.js';

type Json = Record<string, unknown>;

/** An SQS record; `body` is sent as is when a string, else JSON-serialized. */
export function sqsRecord(body: unknown, extra: Json = {}): PipelineRecord {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const event = {
    messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
    receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...',
    body: text,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1545082649183',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1545082649185',
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-west-2:123456789012:my-queue',
    awsRegion: 'us-west-2',
    ...extra,
  };
  return pipelineRecord('sqs', event, event.messageId);
}

/** A Kinesis record; `data` is base64-encoded from a string as is, or from JSON. */
export function kinesisRecord(data: unknown, kinesis: Json = {}): PipelineRecord {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  const sequenceNumber = '49590338271490256608559692538361571095921575989136588898';
  return kinesisRecordRaw(Buffer.from(text, 'utf8').toString('base64'), { sequenceNumber, ...kinesis });
}

/** A Kinesis record with `data` already base64-encoded. */
export function kinesisRecordRaw(base64Data: string, kinesis: Json = {}): PipelineRecord {
  const sequenceNumber = typeof kinesis['sequenceNumber'] === 'string' ? kinesis['sequenceNumber'] : '1';
  const event = {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: '1',
      sequenceNumber,
      data: base64Data,
      approximateArrivalTimestamp: 1545084650.987,
      ...kinesis,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000006:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role',
    awsRegion: 'us-east-2',
    eventSourceARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream',
  };
  return pipelineRecord('kinesis', event, sequenceNumber);
}

/** A DynamoDB Streams record; `dynamodb` in AttributeValue form. */
export function dynamodbRecord(dynamodb: Json, extra: Json = {}): PipelineRecord {
  const event = {
    eventID: '1',
    eventVersion: '1.1',
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-west-2',
    dynamodb: { ApproximateCreationDateTime: 1678831218, SequenceNumber: '111', SizeBytes: 26, StreamViewType: 'NEW_IMAGE', ...dynamodb },
    eventSourceARN: 'arn:aws:dynamodb:us-west-2:123456789012:table/Customers/stream/2023-03-14T21:00:00.000',
    ...extra,
  };
  return pipelineRecord('dynamodb', event, '111');
}

/** Any other source's record, as is. */
export function pipelineRecord(source: PipelineRecord['source'], event: Json, itemIdentifier = '1'): PipelineRecord {
  return { source, itemIdentifier, event, sizeBytes: JSON.stringify(event).length, arrivalTime: 0 };
}

/** FilterCriteria from pattern strings or objects (objects are JSON-serialized, as the config loader does). */
export function criteria(...patterns: (string | Json)[]): { filters: { pattern: string }[] } {
  return { filters: patterns.map((p) => ({ pattern: typeof p === 'string' ? p : JSON.stringify(p) })) };
}
