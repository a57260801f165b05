import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GetBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { main } from '../../src/cli.js';
import { loadConfig } from '../../src/config/index.js';
import type { Config } from '../../src/config/types.js';
import type { InvocationReport } from '../../src/dispatch/invoke-batch.js';
import { createExampleResources, EXAMPLE_RESOURCES, type ExampleResources } from '../../src/localstack/create-resources.js';
import { silentLogger } from '../../src/log.js';
import { startSluice, type Sluice } from '../../src/runtime/sluice.js';
import { clientConfig, useEmulator } from '../harness/index.js';
import { freePort } from '../harness/free-port.js';

const SLUICE_YAML = fileURLToPath(new URL('../../localstack/sluice.yaml', import.meta.url));

// One emulator per service family, as LocalStack would be one endpoint for all of them.
const moto = useEmulator('moto'); // SQS, SNS, S3
const kinesisLocal = useEmulator('kinesis-local');
const dynamodbLocal = useEmulator('dynamodb-local');

let env: NodeJS.ProcessEnv;
let saved: NodeJS.ProcessEnv;
let created: ExampleResources;

beforeAll(async () => {
  env = {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SQS: moto().endpoint,
    AWS_ENDPOINT_URL_SNS: moto().endpoint,
    AWS_ENDPOINT_URL_S3: moto().endpoint,
    AWS_ENDPOINT_URL_KINESIS: kinesisLocal().endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbLocal().endpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamodbLocal().endpoint,
  };
  // The live pollers read endpoints from process.env: point them at the emulators, never at AWS.
  saved = { ...process.env };
  Object.assign(process.env, env);
  created = await createExampleResources({ region: 'us-east-1', env });
});

afterAll(() => {
  for (const key of Object.keys(env)) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

const sqs = (): SQSClient => new SQSClient(clientConfig(moto()));

describe('createExampleResources', () => {
  it('creates the queues, the FIFO queue with its FIFO dead-letter queue after 3 receives', async () => {
    const client = sqs();
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: created.fifoQueueUrl, AttributeNames: ['All'] }));
    expect(Attributes?.['FifoQueue']).toBe('true');
    expect(JSON.parse(Attributes?.['RedrivePolicy'] ?? '{}')).toMatchObject({ deadLetterTargetArn: created.deadLetterQueueArn, maxReceiveCount: 3 });
    expect(created.deadLetterQueueArn).toMatch(/:payments-dlq\.fifo$/);
    expect(created.queueUrl).toMatch(/\/orders$/);
    client.destroy();
  });

  it('creates an ACTIVE one-shard stream and a table with a NEW_AND_OLD_IMAGES stream', async () => {
    const kinesis = new KinesisClient(clientConfig(kinesisLocal()));
    const { StreamDescriptionSummary: stream } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'clicks' }));
    expect(stream).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 1, StreamARN: created.streamArn });
    const ddb = new DynamoDBClient(clientConfig(dynamodbLocal()));
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: 'orders' }));
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Table?.LatestStreamArn).toBe(created.tableStreamArn);
    kinesis.destroy();
    ddb.destroy();
  });

  it('creates the topic and the bucket, whose object-created notifications go to uploads-events', async () => {
    const sns = new SNSClient(clientConfig(moto()));
    await expect(sns.send(new GetTopicAttributesCommand({ TopicArn: created.topicArn }))).resolves.toBeDefined();
    const s3 = new S3Client({ ...clientConfig(moto()), forcePathStyle: true });
    const notifications = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'uploads' }));
    expect(notifications.QueueConfigurations).toEqual([
      expect.objectContaining({ QueueArn: created.bucketEventsQueueArn, Events: ['s3:ObjectCreated:*'] }),
    ]);
    sns.destroy();
    s3.destroy();
  });

  it('is idempotent: a second run finds the same resources', async () => {
    await expect(createExampleResources({ region: 'us-east-1', env })).resolves.toEqual(created);
  });
});

function captureIo(ioEnv: NodeJS.ProcessEnv): { io: Parameters<typeof main>[1]; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString('utf8'));
        done();
      },
    });
  return {
    io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env: ioEnv, cwd: process.cwd() },
    out: () => out,
    err: () => err,
  };
}

describe('sluice localstack create-resources (what the compose file runs)', () => {
  it('creates (here: finds) every resource and logs them, exit code 0', async () => {
    const { io, out, err } = captureIo({ ...env, SLUICE_LOG_LEVEL: 'info' });
    const code = await main(['localstack', 'create-resources', '--endpoint', moto().endpoint, '--log-format', 'json'], io);
    expect(err()).toBe('');
    expect(code).toBe(0);
    const ready = out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line['msg'] === 'example resources ready');
    expect(ready).toMatchObject({ queueUrl: created.queueUrl, streamArn: created.streamArn, topicArn: created.topicArn });
  });

  it('waits for LocalStack first when the endpoint is LOCALSTACK_HOST: one line waiting, one ready', async () => {
    let polls = 0;
    const health = createServer((req, res) => {
      polls += 1;
      const state = polls <= 2 ? 'initializing' : 'running';
      const services = Object.fromEntries(['dynamodb', 'kinesis', 's3', 'sns', 'sqs'].map((name) => [name, name === 'sqs' ? state : 'available']));
      res.writeHead(req.url === '/_localstack/health' ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify({ services }));
    });
    await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
    try {
      // The per-service variables still send the API calls to the emulators.
      const { io, out, err } = captureIo({ ...env, LOCALSTACK_HOST: url });
      const code = await main(['localstack', 'create-resources', '--endpoint', url, '--log-format', 'json'], io);
      expect(err()).toBe('');
      expect(code).toBe(0);
      const messages = out()
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages).toEqual([`waiting for LocalStack at ${url}`, `LocalStack at ${url} is ready`, 'example resources ready']);
      expect(polls).toBe(3);
    } finally {
      await new Promise((resolve) => health.close(resolve));
    }
  });

  it.each([[['localstack']], [['localstack', 'delete-everything']], [['localstack', 'create-resources', '--endpoint', 'not a url']]])(
    '%j is a usage error',
    async (argv) => {
      const { io, err } = captureIo({});
      expect(await main(argv, io)).toBe(2);
      expect(err()).not.toBe('');
    },
  );
});

describe('localstack/sluice.yaml against the created resources', () => {
  let config: Config;
  let sluice: Sluice;
  let stateDir: string;
  const reports: InvocationReport[] = [];
  const waiters: { until: (r: InvocationReport) => boolean; resolve: (r: InvocationReport) => void }[] = [];
  /** Resolves with the first report (seen already or to come) that `until` accepts: event-driven, no sleeps. */
  const nextReport = (until: (r: InvocationReport) => boolean): Promise<InvocationReport> => {
    const seen = reports.find(until);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ until, resolve }));
  };

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'sluice-localstack-'));
    const port = await freePort();
    config = await loadConfig(SLUICE_YAML, {
      env: { ...env, SLUICE_HTTP_PORT: String(port), SLUICE_PUBLIC_URL: `http://127.0.0.1:${port}`, SLUICE_STATE_DIR: stateDir },
    });
    sluice = await startSluice({
      config,
      logger: silentLogger,
      mode: 'run',
      env,
      observe: (report) => {
        reports.push(report);
        for (const w of waiters.splice(0)) {
          if (w.until(report)) w.resolve(report);
          else waiters.push(w);
        }
      },
    });
  });

  afterAll(async () => {
    await sluice?.shutdown(5_000);
    await rm(stateDir, { recursive: true, force: true });
  });

  it('every mapping names a resource the script created', () => {
    const names: Record<string, string> = {};
    for (const m of config.mappings) {
      const s = m.source;
      names[m.name] =
        s.type === 'sqs' ? s.queue : s.type === 'kinesis' ? s.stream : s.type === 'dynamodb' ? (s.table ?? '') : s.type === 'sns' ? s.topic : s.type === 's3' ? s.bucket : '';
    }
    const R = EXAMPLE_RESOURCES;
    expect(names).toEqual({
      'orders-queue': R.queue,
      'payments-queue': R.fifoQueue,
      'clicks-stream': R.stream,
      'orders-table': R.table,
      notifications: R.topic,
      uploads: R.bucket,
    });
    const uploads = config.mappings.find((m) => m.name === 'uploads')?.source;
    expect(uploads).toMatchObject({ via: { queue: R.bucketEventsQueue } });
  });

  it('sluice run: a message sent to the orders queue reaches the local handler', async () => {
    const client = sqs();
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
    const body = JSON.stringify({ id: 'o-1', amount: 42 });
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    const report = await nextReport((r) => r.mapping === 'orders-queue');
    expect(report.outcome.kind).toBe('success');
    expect(report.response).toEqual({ orders: 1 });
    expect(report.event).toMatchObject({ Records: [expect.objectContaining({ body, eventSource: 'aws:sqs' })] });
    client.destroy();
  });

  it('sluice run: a FIFO payment without an amount is reported as a batch item failure', async () => {
    const client = sqs();
    await client.send(new SendMessageCommand({ QueueUrl: created.fifoQueueUrl, MessageBody: '{"id":"p-1"}', MessageGroupId: 'g', MessageDeduplicationId: 'p-1' }));
    const report = await nextReport((r) => r.mapping === 'payments-queue');
    expect(report.outcome.kind).toBe('partial');
    client.destroy();
  });

  it('sluice run: a Kinesis record and a DynamoDB write reach their handlers', async () => {
    const kinesis = new KinesisClient(clientConfig(kinesisLocal()));
    await kinesis.send(new PutRecordCommand({ StreamName: 'clicks', PartitionKey: 'home', Data: new TextEncoder().encode('{"page":"/"}') }));
    const ddb = new DynamoDBClient(clientConfig(dynamodbLocal()));
    await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'o-2' } } }));
    const [clicks, audit] = await Promise.all([nextReport((r) => r.mapping === 'clicks-stream'), nextReport((r) => r.mapping === 'orders-table')]);
    expect(clicks.outcome.kind).toBe('success');
    expect(audit.event).toMatchObject({ Records: [expect.objectContaining({ eventName: 'INSERT' })] });
    kinesis.destroy();
    ddb.destroy();
  });

  it('sluice run: an object put in the bucket arrives through uploads-events; a published message through the subscription', async () => {
    const s3 = new S3Client({ ...clientConfig(moto()), forcePathStyle: true });
    await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'photos/cat 1.jpg', Body: 'meow' }));
    const sns = new SNSClient(clientConfig(moto()));
    await sns.send(new PublishCommand({ TopicArn: created.topicArn, Message: 'hello', Subject: 'greeting' }));
    const [upload, notification] = await Promise.all([nextReport((r) => r.mapping === 'uploads'), nextReport((r) => r.mapping === 'notifications')]);
    expect(upload.event).toMatchObject({ Records: [expect.objectContaining({ eventSource: 'aws:s3' })] });
    expect(notification.event).toMatchObject({ Records: [expect.objectContaining({ Sns: expect.objectContaining({ Message: 'hello' }) })] });
    s3.destroy();
    sns.destroy();
  });
});
