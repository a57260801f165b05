import type { PipelineRecord } from '../../src/records.js';
import { describe, expect, it } from 'vitest';
import {
  dynamodbPipelineRecord,
  jsonBytes,
  kinesisPipelineRecord,
  s3PipelineRecord,
  snsPipelineRecord,
  sqsPipelineRecord,
} from '../../src/events/pipeline.js';
import { s3Record } from '../../src/events/s3.js';
import { snsRecord } from '../../src/events/sns.js';

const sqsAttributes = {
  ApproximateReceiveCount: '1',
  SentTimestamp: '1704067200123',
  SenderId: 'AIDAEXAMPLE',
  ApproximateFirstReceiveTimestamp: '1704067200130',
};

describe('pipeline records', () => {
  it('SQS: messageId, SentTimestamp, receipt handle, FIFO group as ordering key', () => {
    const record = sqsPipelineRecord(
      {
        MessageId: 'm-1',
        ReceiptHandle: 'rh-1',
        Body: 'héllo',
        Attributes: { ...sqsAttributes, MessageGroupId: 'g-1', SequenceNumber: '1', MessageDeduplicationId: 'd' },
      },
      { queueArn: 'arn:aws:sqs:us-east-1:000000000000:q.fifo', region: 'us-east-1' },
    );
    expect(record).toMatchObject({
      source: 'sqs',
      itemIdentifier: 'm-1',
      arrivalTime: 1704067200123,
      orderingKey: 'g-1',
      receiptHandle: 'rh-1',
    } satisfies Partial<PipelineRecord>);
    expect(record.event['body']).toBe('héllo');
    expect(record.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(record.event)));
    expect(record.sizeBytes).toBe(JSON.stringify(record.event).length + 1);
  });

  it('SQS standard: no ordering key', () => {
    const record = sqsPipelineRecord(
      { MessageId: 'm-1', ReceiptHandle: 'rh-1', Body: 'x', Attributes: sqsAttributes },
      { queueArn: 'arn:aws:sqs:us-east-1:000000000000:q', region: 'us-east-1' },
    );
    expect(Object.keys(record)).not.toContain('orderingKey');
  });

  it('Kinesis: sequence number, partition key, shard, arrival in ms', () => {
    const record = kinesisPipelineRecord(
      { SequenceNumber: '4959', ApproximateArrivalTimestamp: new Date(1545084650987), Data: Uint8Array.of(1), PartitionKey: 'pk' },
      { shardId: 'shardId-000000000001', streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', region: 'us-east-1', invokeIdentityArn: 'arn:aws:iam::000000000000:role/r' },
    );
    expect(record).toMatchObject({
      source: 'kinesis',
      itemIdentifier: '4959',
      sequenceNumber: '4959',
      orderingKey: 'pk',
      shardId: 'shardId-000000000001',
      arrivalTime: 1545084650987,
    } satisfies Partial<PipelineRecord>);
    expect(record.sizeBytes).toBe(jsonBytes(record.event));
  });

  it('DynamoDB: SequenceNumber, item keys as ordering key, creation time or receive time', () => {
    const sdk = {
      eventID: 'e-1',
      eventName: 'MODIFY' as const,
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: new Date(1704067200000),
        Keys: { sk: { N: '1' }, pk: { S: 'a' } },
        SequenceNumber: '111',
        SizeBytes: 10,
        StreamViewType: 'KEYS_ONLY' as const,
      },
    };
    const ctx = { streamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x', region: 'us-east-1', shardId: 'shardId-1', receivedAt: 42 };
    const record = dynamodbPipelineRecord(sdk, ctx);
    expect(record).toMatchObject({
      source: 'dynamodb',
      itemIdentifier: '111',
      sequenceNumber: '111',
      shardId: 'shardId-1',
      arrivalTime: 1704067200000,
      orderingKey: '[["pk",{"S":"a"}],["sk",{"N":"1"}]]',
    } satisfies Partial<PipelineRecord>);
    const { ApproximateCreationDateTime: _time, ...undated } = sdk.dynamodb;
    expect(dynamodbPipelineRecord({ ...sdk, dynamodb: undated }, ctx).arrivalTime).toBe(42);
  });

  it('S3: bucket/key@sequencer, eventTime', () => {
    const event = s3Record({ eventName: 'ObjectCreated:Put', bucket: 'b', key: 'a b', sequencer: '0A', region: 'us-east-1', time: new Date(1704067200123) });
    const record = s3PipelineRecord(event);
    expect(record).toMatchObject({ source: 's3', itemIdentifier: 'b/a+b@0A', arrivalTime: 1704067200123 });
    expect(record.event).toBe(event);
  });

  it('SNS: MessageId, Timestamp', () => {
    const event = snsRecord(
      {
        Type: 'Notification',
        MessageId: 'sns-1',
        TopicArn: 'arn:aws:sns:us-east-1:000000000000:t',
        Message: 'm',
        Timestamp: '2024-01-01T00:00:00.123Z',
        SignatureVersion: '1',
        Signature: 's',
        SigningCertURL: 'https://sns.us-east-1.amazonaws.com/c.pem',
        UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
      },
      { subscriptionArn: 'arn:aws:sns:us-east-1:000000000000:t:1' },
    );
    expect(snsPipelineRecord(event)).toMatchObject({ source: 'sns', itemIdentifier: 'sns-1', arrivalTime: 1704067200123 });
  });
});
