import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mapping, S3Source } from '../../src/config/types.js';
import { silentLogger } from '../../src/log.js';
import { startSluice, type Sluice } from '../../src/runtime/sluice.js';
import { clientConfig, useEmulator } from '../harness/index.js';
import { makeMapping } from '../support/mapping.js';
import { ACCOUNT, pushConfig, recordingInvoker, REGION, type RecordingInvoker } from './support.js';

/**
 * Deliveries from a real emulator into sluice's endpoint over HTTP (moto server mode): SNS
 * HTTP subscriptions, and S3 bucket notifications through SQS and SNS.
 */
describe('push deliveries from moto', () => {
  const emulator = useEmulator('moto');
  let sluice: Sluice | undefined;
  afterEach(async () => {
    await sluice?.shutdown(2_000);
    sluice = undefined;
  });

  const clients = () => {
    const config = clientConfig(emulator());
    return { sns: new SNSClient(config), sqs: new SQSClient(config), s3: new S3Client({ ...config, forcePathStyle: true }) };
  };

  async function start(mappings: Mapping[], invoker: RecordingInvoker): Promise<Sluice> {
    sluice = await startSluice({
      config: pushConfig(mappings, { endpoint: emulator().endpoint }),
      logger: silentLogger,
      mode: 'run',
      env: {},
      invokers: new Map([['fn', invoker]]),
    });
    return sluice;
  }

  /** A bucket whose object-created notifications go to `queue` (S3 → SQS, as AWS and LocalStack deliver them). */
  async function bucketNotifyingQueue(s3: S3Client, bucket: string, queue: string): Promise<void> {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          QueueConfigurations: [{ Id: 'to-sqs', QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queue}`, Events: ['s3:ObjectCreated:*'] }],
        },
      }),
    );
  }

  const s3Mapping = (name: string, bucket: string, via: S3Source['via'], filter?: S3Source['filter']): Mapping =>
    makeMapping({ name, maximumRetryAttempts: 2, source: { type: 's3', bucket, events: ['s3:ObjectCreated:*'], ...(via ? { via } : {}), ...(filter ? { filter } : {}) } });

  it('SNS: sluice subscribes its endpoint at start; a publish reaches the handler as Lambda SNS event', async () => {
    const { sns } = clients();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'moto-orders' }));
    const invoker = recordingInvoker();
    await start(
      [makeMapping({ name: 'orders', maximumRetryAttempts: 2, source: { type: 'sns', topic: 'moto-orders', subscribe: true, rawMessageDelivery: false } })],
      invoker,
    );
    const published = await sns.send(
      new PublishCommand({
        TopicArn,
        Message: '{"orderId":7}',
        Subject: 'order placed',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } },
      }),
    );
    await invoker.called(1);
    const event = invoker.calls[0] as { Records: { EventSubscriptionArn: string; Sns: Record<string, unknown> }[] };
    expect(event.Records).toHaveLength(1);
    const record = event.Records[0];
    // moto sends no x-amz-sns-subscription-arn header: the ARN of sluice's own subscription is used.
    expect(record?.EventSubscriptionArn).toMatch(new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
    expect(record).toMatchObject({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      Sns: {
        Type: 'Notification',
        MessageId: published.MessageId,
        TopicArn,
        Subject: 'order placed',
        Message: '{"orderId":7}',
        SignatureVersion: '2',
        SigningCertUrl: expect.stringMatching(/^https:\/\/sns\.us-east-1\.amazonaws\.com\/SimpleNotificationService-.*\.pem$/),
        MessageAttributes: {},
      },
    });
  });

  it('S3 → SQS: a via-queue mapping invokes the handler with the S3 event (key encoded as S3 does) and deletes the messages', async () => {
    const { s3, sqs } = clients();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'moto-upload-events' }));
    await bucketNotifyingQueue(s3, 'moto-uploads', 'moto-upload-events');
    const invoker = recordingInvoker();
    await start([s3Mapping('uploads', 'moto-uploads', { queue: 'moto-upload-events' }, { prefix: 'my photos/' })], invoker);
    await s3.send(new PutObjectCommand({ Bucket: 'moto-uploads', Key: 'other/skipped.txt', Body: 'no' }));
    await s3.send(new PutObjectCommand({ Bucket: 'moto-uploads', Key: 'my photos/a+b (1).txt', Body: 'hello world!' }));
    await invoker.called(1);
    expect(invoker.calls).toHaveLength(1);
    expect(invoker.calls[0]).toMatchObject({
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: REGION,
          eventName: 'ObjectCreated:Put',
          s3: {
            configurationId: 'to-sqs',
            bucket: { name: 'moto-uploads', arn: 'arn:aws:s3:::moto-uploads' },
            // moto writes quote_plus("my photos/a+b (1).txt") = "my+photos%2Fa%2Bb+%281%29.txt"; S3 leaves "/" as is.
            object: { key: 'my+photos/a%2Bb+%281%29.txt', size: 12 },
          },
        },
      ],
    });
    // The test event, the filtered notification and the invoked one are all deleted.
    const current = sluice;
    await current?.shutdown(2_000);
    sluice = undefined;
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(attributes.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    expect(current?.mappings[0]?.stats).toMatchObject({ records: 2, filtered: 1, processed: 1 });
  });

  it('S3 → SQS: a via-queue mapping whose queue does not exist yet waits for it (status says so), then consumes it', async () => {
    const { s3, sqs } = clients();
    const invoker = recordingInvoker();
    const current = await start([s3Mapping('late', 'moto-late', { queue: 'moto-late-events' })], invoker);
    const mapping = current.mappings[0];
    await expect.poll(() => mapping?.waiting, { timeout: 10_000 }).toBe('queue moto-late-events');
    expect(mapping?.state).not.toBe('Disabled');
    await sqs.send(new CreateQueueCommand({ QueueName: 'moto-late-events' }));
    await bucketNotifyingQueue(s3, 'moto-late', 'moto-late-events');
    await expect.poll(() => mapping?.waiting, { timeout: 15_000 }).toBeUndefined();
    await s3.send(new PutObjectCommand({ Bucket: 'moto-late', Key: 'a.txt', Body: 'hi' }));
    await invoker.called(1);
    expect(invoker.calls[0]).toMatchObject({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'moto-late' }, object: { key: 'a.txt' } } }] });
  });

  it('S3 → SNS → SQS: the SNS envelope in the queue is unwrapped', async () => {
    const { s3, sqs, sns } = clients();
    await sqs.send(new CreateQueueCommand({ QueueName: 'moto-wrapped-events' }));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'moto-bucket-topic' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: `arn:aws:sqs:${REGION}:${ACCOUNT}:moto-wrapped-events` }));
    await s3.send(new CreateBucketCommand({ Bucket: 'moto-wrapped' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'moto-wrapped',
        NotificationConfiguration: { TopicConfigurations: [{ Id: 'to-sns', TopicArn, Events: ['s3:ObjectCreated:*'] }] },
      }),
    );
    const invoker = recordingInvoker();
    await start([s3Mapping('wrapped', 'moto-wrapped', { queue: 'moto-wrapped-events' })], invoker);
    await s3.send(new PutObjectCommand({ Bucket: 'moto-wrapped', Key: 'reports/q1.csv', Body: 'a,b' }));
    await invoker.called(1);
    expect(invoker.calls[0]).toMatchObject({
      Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'moto-wrapped' }, object: { key: 'reports/q1.csv', size: 3 } } }],
    });
  });

  it('S3 → SNS → sluice: a via-topic mapping subscribes its /s3 endpoint and receives the notifications', async () => {
    const { s3, sns } = clients();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'moto-direct-topic' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'moto-direct' }));
    const invoker = recordingInvoker();
    await start([s3Mapping('direct', 'moto-direct', { topic: 'moto-direct-topic' })], invoker);
    // Configured after sluice subscribed, so S3's test event reaches sluice too (and is not invoked).
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'moto-direct',
        NotificationConfiguration: { TopicConfigurations: [{ Id: 'to-sns', TopicArn, Events: ['s3:ObjectCreated:*'] }] },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'moto-direct', Key: 'in/a.json', Body: '{}' }));
    await invoker.called(1);
    expect(invoker.calls).toHaveLength(1);
    expect(invoker.calls[0]).toMatchObject({
      Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'moto-direct' }, object: { key: 'in/a.json', size: 2 } } }],
    });
  });
});
