import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand as GetKinesisRecordsCommand,
  GetShardIteratorCommand as GetKinesisShardIteratorCommand,
  KinesisClient,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it, vi } from 'vitest';
import { clientConfig, EMULATOR_REGION, sqsEmulators, useEmulator, type Emulator } from '../harness/index.js';
import { isLoopbackAddress, listeningAddresses } from './listening-addresses.js';

/** Our own emulators listen on loopback only (LocalStack's binding is LocalStack's business). */
function expectLoopbackOnly(emulator: Emulator): void {
  if (emulator.kind === 'localstack') return;
  const addresses = listeningAddresses(Number(new URL(emulator.endpoint).port));
  expect(addresses.length).toBeGreaterThan(0);
  expect(addresses.filter((address) => !isLoopbackAddress(address))).toEqual([]);
}

describe.each(sqsEmulators())('SQS round trip on %s', (kind) => {
  const emulator = useEmulator(kind);

  it('creates a queue with a redrive policy, sends, receives and deletes a message', async () => {
    expectLoopbackOnly(emulator());
    const sqs = new SQSClient(clientConfig(emulator()));
    const name = `smoke-${randomUUID()}`;
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    expect(dlqArn).toMatch(new RegExp(`^arn:aws:sqs:${EMULATOR_REGION}:\\d{12}:${name}-dlq$`));
    const redrivePolicy = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 });
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { RedrivePolicy: redrivePolicy } }));
    expect(queue.QueueUrl).toMatch(new RegExp(`/${name}$`));

    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['RedrivePolicy'] }));
    expect(JSON.parse(attributes.Attributes?.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 });

    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.QueueUrl,
        MessageBody: '{"hello":"sluice"}',
        MessageAttributes: { origin: { DataType: 'String', StringValue: 'smoke' } },
      }),
    );
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 5,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    expect(received.Messages).toHaveLength(1);
    const [message] = received.Messages ?? [];
    expect(message).toMatchObject({
      MessageId: sent.MessageId,
      Body: '{"hello":"sluice"}',
      MD5OfBody: sent.MD5OfMessageBody,
      MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
      MessageAttributes: { origin: { DataType: 'String', StringValue: 'smoke' } },
      Attributes: expect.objectContaining({ ApproximateReceiveCount: '1' }),
    });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.QueueUrl, ReceiptHandle: message?.ReceiptHandle }));
    const after = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl, WaitTimeSeconds: 0, VisibilityTimeout: 0 }));
    expect(after.Messages ?? []).toEqual([]);
    sqs.destroy();
  });
});

describe('DynamoDB Streams round trip on dynamodb-local', () => {
  const emulator = useEmulator('dynamodb-local');

  it('creates a table with a NEW_AND_OLD_IMAGES stream and reads the put back as an INSERT record', async () => {
    expectLoopbackOnly(emulator());
    const dynamodb = new DynamoDBClient(clientConfig(emulator()));
    const streams = new DynamoDBStreamsClient(clientConfig(emulator()));
    const table = await dynamodb.send(
      new CreateTableCommand({
        TableName: `smoke-${randomUUID()}`,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    const streamArn = table.TableDescription?.LatestStreamArn;
    expect(streamArn).toBeDefined();
    await dynamodb.send(new PutItemCommand({ TableName: table.TableDescription?.TableName, Item: { pk: { S: 'a' }, n: { N: '1' } } }));

    const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    expect(description.StreamDescription?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
    const shardId = description.StreamDescription?.Shards?.[0]?.ShardId;
    const iterator = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    let next = iterator.ShardIterator;
    const records: StreamRecord[] = [];
    await vi.waitFor(
      async () => {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: next }));
        records.push(...(page.Records ?? []));
        next = page.NextShardIterator;
        expect(records).toHaveLength(1);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(records[0]).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        Keys: { pk: { S: 'a' } },
        NewImage: { pk: { S: 'a' }, n: { N: '1' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        SequenceNumber: expect.stringMatching(/^\d+$/),
        ApproximateCreationDateTime: expect.any(Date),
      },
    });
    dynamodb.destroy();
    streams.destroy();
  });
});

describe('Kinesis round trip on kinesis-local', () => {
  const emulator = useEmulator('kinesis-local');

  it('creates a stream, puts a record and reads it back with GetShardIterator/GetRecords', async () => {
    expectLoopbackOnly(emulator());
    const kinesis = new KinesisClient(clientConfig(emulator()));
    const StreamName = `smoke-${randomUUID()}`;
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
    await vi.waitFor(
      async () => {
        const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
        expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
      },
      { timeout: 10_000, interval: 50 },
    );
    const put = await kinesis.send(new PutRecordCommand({ StreamName, PartitionKey: 'pk-1', Data: Buffer.from('hello sluice') }));
    const iterator = await kinesis.send(
      new GetKinesisShardIteratorCommand({ StreamName, ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const page = await kinesis.send(new GetKinesisRecordsCommand({ ShardIterator: iterator.ShardIterator }));
    expect(page.Records).toHaveLength(1);
    expect(page.Records?.[0]).toMatchObject({ SequenceNumber: put.SequenceNumber, PartitionKey: 'pk-1' });
    expect(Buffer.from(page.Records?.[0]?.Data ?? new Uint8Array()).toString()).toBe('hello sluice');
    expect(page.NextShardIterator).toBeDefined();
    kinesis.destroy();
  });
});

describe('SNS, S3 and the Lambda API on moto', () => {
  const emulator = useEmulator('moto');

  it('creates a topic and a bucket, stores an object, lists functions', async () => {
    expectLoopbackOnly(emulator());
    const config = clientConfig(emulator());
    const sns = new SNSClient(config);
    const topic = await sns.send(new CreateTopicCommand({ Name: `smoke-${randomUUID()}` }));
    expect(topic.TopicArn).toMatch(new RegExp(`^arn:aws:sns:${EMULATOR_REGION}:\\d{12}:smoke-`));

    const s3 = new S3Client({ ...config, forcePathStyle: true });
    const Bucket = `smoke-${randomUUID()}`;
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'a.txt', Body: 'x' }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket }));
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['a.txt']);

    const lambda = new LambdaClient(config);
    const functions = await lambda.send(new ListFunctionsCommand({}));
    expect(Array.isArray(functions.Functions)).toBe(true);
    for (const client of [sns, s3, lambda]) client.destroy();
  });
});
