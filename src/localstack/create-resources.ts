import { setTimeout as delay } from 'node:timers/promises';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../aws/client-config.js';
import { SluiceError } from '../errors.js';

/**
 * The example resources `localstack/sluice.yaml` reads from: the one definition that both
 * the sidecar (`sluice localstack create-resources`) and the tests create.
 */
export const EXAMPLE_RESOURCES = {
  queue: 'orders',
  fifoQueue: 'payments.fifo',
  deadLetterQueue: 'payments-dlq.fifo',
  /** Receives before a payments message moves to the DLQ. */
  maxReceiveCount: 3,
  stream: 'clicks',
  streamShards: 1,
  table: 'orders',
  topic: 'notifications',
  bucket: 'uploads',
  bucketEventsQueue: 'uploads-events',
  bucketEvents: ['s3:ObjectCreated:*'],
} as const;

export interface CreateResourcesOptions {
  /** Endpoint of every service (LocalStack); `AWS_ENDPOINT_URL_<SERVICE>` in `env` overrides it per service. */
  readonly endpoint?: string;
  readonly region: string;
  /** Endpoint variables and credentials; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
  /** How long the stream may take to become ACTIVE; default 60 s. */
  readonly streamTimeoutMs?: number;
}

/** What was created (or found), by the names of {@link EXAMPLE_RESOURCES}. */
export interface ExampleResources {
  readonly queueUrl: string;
  readonly fifoQueueUrl: string;
  readonly deadLetterQueueArn: string;
  readonly streamArn: string;
  readonly tableStreamArn: string;
  readonly topicArn: string;
  readonly bucket: string;
  readonly bucketEventsQueueArn: string;
}

/**
 * Creates the example resources, idempotently (running it again finds what exists):
 * an SQS queue, a FIFO queue with a FIFO dead-letter queue (redrive after
 * `maxReceiveCount` receives), a Kinesis stream (waits until ACTIVE), a DynamoDB table
 * with a `NEW_AND_OLD_IMAGES` stream, an SNS topic, and a bucket whose object-created
 * notifications go to an SQS queue (with the queue policy AWS requires for S3).
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ways-to-add-notification-config-to-bucket.html
 */
export async function createExampleResources(options: CreateResourcesOptions): Promise<ExampleResources> {
  const env = options.env ?? process.env;
  const base = { region: options.region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
  const signal = options.signal ?? new AbortController().signal;
  const sqs = new SQSClient(clientConfig('sqs', base, env));
  const kinesis = new KinesisClient(clientConfig('kinesis', base, env));
  const dynamodb = new DynamoDBClient(clientConfig('dynamodb', base, env));
  const sns = new SNSClient(clientConfig('sns', base, env));
  const s3 = new S3Client({ ...clientConfig('s3', base, env), forcePathStyle: true });
  const R = EXAMPLE_RESOURCES;
  try {
    const queueUrl = await createQueue(sqs, R.queue, {}, signal);
    const dlqUrl = await createQueue(sqs, R.deadLetterQueue, { FifoQueue: 'true' }, signal);
    const deadLetterQueueArn = await queueArn(sqs, dlqUrl, signal);
    const fifoQueueUrl = await createQueue(
      sqs,
      R.fifoQueue,
      { FifoQueue: 'true', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueueArn, maxReceiveCount: R.maxReceiveCount }) },
      signal,
    );
    const streamArn = await createStream(kinesis, options.streamTimeoutMs ?? 60_000, signal);
    const tableStreamArn = await createTable(dynamodb, signal);
    const topic = await sns.send(new CreateTopicCommand({ Name: R.topic }), { abortSignal: signal });
    const eventsQueueUrl = await createQueue(sqs, R.bucketEventsQueue, {}, signal);
    const bucketEventsQueueArn = await queueArn(sqs, eventsQueueUrl, signal);
    await createBucket(s3, bucketEventsQueueArn, sqs, eventsQueueUrl, signal);
    return {
      queueUrl,
      fifoQueueUrl,
      deadLetterQueueArn,
      streamArn,
      tableStreamArn,
      topicArn: required(topic.TopicArn, 'CreateTopic returned no TopicArn'),
      bucket: R.bucket,
      bucketEventsQueueArn,
    };
  } finally {
    for (const client of [sqs, kinesis, dynamodb, sns, s3]) client.destroy();
  }
}

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string>, signal: AbortSignal): Promise<string> {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }), { abortSignal: signal });
  return required(out.QueueUrl, `CreateQueue ${name} returned no QueueUrl`);
}

async function queueArn(sqs: SQSClient, queueUrl: string, signal: AbortSignal): Promise<string> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }), { abortSignal: signal });
  return required(out.Attributes?.['QueueArn'], `GetQueueAttributes ${queueUrl} returned no QueueArn`);
}

/** @see https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html */
async function createStream(kinesis: KinesisClient, timeoutMs: number, signal: AbortSignal): Promise<string> {
  const name = EXAMPLE_RESOURCES.stream;
  try {
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: EXAMPLE_RESOURCES.streamShards }), { abortSignal: signal });
  } catch (err) {
    if (!isNamed(err, 'ResourceInUseException')) throw err;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }), { abortSignal: signal });
    const summary = out.StreamDescriptionSummary;
    if (summary?.StreamStatus === 'ACTIVE') return required(summary.StreamARN, `stream ${name} has no ARN`);
    if (Date.now() > deadline) {
      throw new SluiceError('StreamNotActive', `stream ${name} is still ${summary?.StreamStatus ?? 'unknown'} after ${timeoutMs} ms`, { retryable: true });
    }
    await delay(100, undefined, { signal });
  }
}

/** @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html */
async function createTable(dynamodb: DynamoDBClient, signal: AbortSignal): Promise<string> {
  const name = EXAMPLE_RESOURCES.table;
  const streamSpecification = { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } as const;
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: streamSpecification,
      }),
      { abortSignal: signal },
    );
  } catch (err) {
    if (!isNamed(err, 'ResourceInUseException')) throw err;
  }
  let table = (await dynamodb.send(new DescribeTableCommand({ TableName: name }), { abortSignal: signal })).Table;
  if (!table?.StreamSpecification?.StreamEnabled) {
    // The table existed without a stream (made by hand): turn it on.
    await dynamodb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: streamSpecification }), { abortSignal: signal });
    table = (await dynamodb.send(new DescribeTableCommand({ TableName: name }), { abortSignal: signal })).Table;
  }
  return required(table?.LatestStreamArn, `table ${name} has no stream`);
}

/**
 * The bucket and its notification configuration. S3 checks that it may send to the
 * queue, so the queue gets a policy allowing `s3.amazonaws.com` from this bucket.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
 */
async function createBucket(s3: S3Client, eventsQueueArn: string, sqs: SQSClient, eventsQueueUrl: string, signal: AbortSignal): Promise<void> {
  const bucket = EXAMPLE_RESOURCES.bucket;
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }), { abortSignal: signal });
  } catch (err) {
    if (!isNamed(err, 'BucketAlreadyOwnedByYou')) throw err;
  }
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: eventsQueueArn,
        Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${bucket}` } },
      },
    ],
  };
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: eventsQueueUrl, Attributes: { Policy: JSON.stringify(policy) } }), { abortSignal: signal });
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        QueueConfigurations: [{ Id: 'sluice-uploads', QueueArn: eventsQueueArn, Events: [...EXAMPLE_RESOURCES.bucketEvents] }],
      },
    }),
    { abortSignal: signal },
  );
}

function isNamed(err: unknown, name: string): boolean {
  return err instanceof Error && (err.name === name || (err as { Code?: unknown }).Code === name);
}

function required<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new SluiceError('ResourceCreation', message);
  return value;
}
