import { GetRecordsCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqsQueue } from '../../pollers/sqs/sqs-queue.js';
import { asRecordReader, AwsService, clientConfig, readerClientConfig, SOCKET_TIMEOUT_MS } from '../../src/aws/client-config.js';
import { useEmulator } from '../harness/index.js';
import { stallingProxy, type StallingProxy } from './stalling-proxy.js';
import { captureLogger, createQueue, queueName, sendMessages, sqsClient } from '../pollers/sqs/sqs-kit.js';

describe('AWS clients abandon a silent connection (half-open) and retry on a new one', () => {
  const emulator = useEmulator('elasticmq');
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** A live SQS queue port whose calls go through `proxy`, with a short socket timeout; and its log. */
  function queueThrough(proxy: StallingProxy, queue: { readonly name: string; readonly url: string }, visibilityTimeoutSeconds: number, socketTimeoutMs: number) {
    const where = { region: emulator().region, endpoint: proxy.endpoint };
    const client = asRecordReader(new SQSClient({ ...readerClientConfig('sqs', where, {}, { socketTimeoutMs }), maxAttempts: 1 }));
    cleanup.push(() => client.destroy());
    const logs = captureLogger('debug');
    const sqs = createSqsQueue({
      client,
      queueUrl: queue.url,
      queueArn: `arn:aws:sqs:${emulator().region}:000000000000:${queue.name}`,
      region: emulator().region,
      logger: logs.logger,
      visibilityTimeoutSeconds,
      backoff: { minTimeoutMs: 1, maxTimeoutMs: 2 },
      settleAttempts: 3,
    });
    const problems = (): unknown[] => logs.lines().filter((l) => l['msg'] === 'SQS call failing; retrying with backoff').map((l) => l['problem']);
    return { sqs, logs, problems };
  }

  it('waits longer than SQS’s longest long poll (WaitTimeSeconds 20), on every client sluice makes for AWS services but Lambda', async () => {
    expect(SOCKET_TIMEOUT_MS).toBeGreaterThan(20_000);
    const proxy = await stallingProxy();
    cleanup.push(() => proxy.close());
    const where = { region: 'us-east-1', endpoint: proxy.endpoint };
    const services = (Object.keys(AwsService) as AwsService[]).filter((service) => service !== 'lambda');
    for (const options of [...services.map((s) => clientConfig(s, where, {})), ...services.map((s) => readerClientConfig(s, where, {}))]) {
      const client = new SQSClient({ ...options, maxAttempts: 1 });
      cleanup.push(() => client.destroy());
      // A handler resolves its options on its first request (cut short here).
      await expect(client.send(new ReceiveMessageCommand({ QueueUrl: `${proxy.endpoint}/q` }), { abortSignal: AbortSignal.timeout(100) })).rejects.toThrow();
      expect(options.requestHandler?.httpHandlerConfigs()).toMatchObject({ socketTimeout: SOCKET_TIMEOUT_MS });
    }
  });

  it('an SQS receive loop whose connection goes silent receives again, and the messages arrive', async () => {
    const admin = sqsClient(emulator());
    cleanup.push(() => admin.destroy());
    const queue = await createQueue(admin, queueName('half-open'));
    await sendMessages(admin, queue.url, [{ body: 'one' }, { body: 'two' }]);

    const proxy = await stallingProxy({ stall: 1, target: new URL(emulator().endpoint) });
    cleanup.push(() => proxy.close());
    const { sqs, logs, problems } = queueThrough(proxy, queue, 30, 300);

    const received = [];
    while (received.length < 2) received.push(...(await sqs.receive(10, 1, new AbortController().signal)));
    expect(received).toHaveLength(2);
    expect(proxy.connections()).toBeGreaterThanOrEqual(2);
    expect(problems()).toEqual(['TimeoutError']);
    expect(logs.messages()).toContain('SQS calls succeed again');
  });

  it('a FIFO receive whose answer is lost gets the same messages back at once (ReceiveRequestAttemptId), not after the visibility timeout', async () => {
    const admin = sqsClient(emulator());
    cleanup.push(() => admin.destroy());
    const queue = await createQueue(admin, `${queueName('lost-answer')}.fifo`, { VisibilityTimeout: '300' });
    await sendMessages(admin, queue.url, [{ body: 'first', groupId: 'g' }]);

    // The first connection's ReceiveMessage reaches the queue, which hides the message (and
    // so its group) for 300 s; its answer is lost.
    const proxy = await stallingProxy({ stall: 1, target: new URL(emulator().endpoint), forwardStalled: true });
    cleanup.push(() => proxy.close());
    const { sqs, problems } = queueThrough(proxy, queue, 300, 500);

    const received = await sqs.receive(10, 0, new AbortController().signal);
    expect(problems()).toEqual(['TimeoutError']);
    expect(
      received.map((r) => (r.event as { body: string }).body),
      'the retry, with the same ReceiveRequestAttemptId, gets the hidden message back (AWS and ElasticMQ do this; moto does not)',
    ).toEqual(['first']);
    // The receipt handle of the answer that arrived works.
    await sqs.delete(received, new AbortController().signal);
  });

  it('a Kinesis GetRecords on a silent connection fails with TimeoutError instead of hanging', async () => {
    const proxy = await stallingProxy();
    cleanup.push(() => proxy.close());
    const where = { region: 'us-east-1', endpoint: proxy.endpoint };
    const client = asRecordReader(new KinesisClient({ ...readerClientConfig('kinesis', where, {}, { socketTimeoutMs: 300 }), maxAttempts: 1 }));
    cleanup.push(() => client.destroy());
    await expect(client.send(new GetRecordsCommand({ ShardIterator: 'AAAA', Limit: 10 }))).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
