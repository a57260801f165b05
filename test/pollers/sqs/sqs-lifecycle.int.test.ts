import { createServer } from 'node:net';
import { DeleteQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { startSluice } from '../../../src/runtime/sluice.js';
import { sqsEmulators, useEmulator, type Emulator } from '../../harness/index.js';
import { cutProxy } from '../../support/cut-proxy.js';
import {
  captureLogger,
  createQueue,
  eventually,
  queueDepth,
  queueName,
  recordingInvoker,
  sendMessages,
  sqsClient,
  startQueueSluice,
  work,
  writeQueueConfig,
} from './sqs-kit.js';

/** A loopback server that drops every connection it accepts, counting them. */
async function droppingServer(): Promise<{ readonly port: number; readonly connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(sqsEmulators())('SQS mapping lifecycle on %s', (kind) => {
  const emulator = useEmulator(kind);
  let sqs: SQSClient;
  beforeAll(() => {
    sqs = sqsClient(emulator());
  });
  afterAll(() => sqs.destroy());

  const receiveNow = async (url: string) =>
    (
      await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60, MessageSystemAttributeNames: ['All'] }),
      )
    ).Messages ?? [];

  it('the visibility heartbeat keeps a batch that outlasts the visibility timeout from being received again (services-sqs-configure)', async () => {
    const queue = await createQueue(sqs, queueName('heartbeat'), { VisibilityTimeout: '2' });
    await sendMessages(sqs, queue.url, [{ body: 'slow' }]);
    const invoker = recordingInvoker(async (_records, signal) => {
      await work(5_000, signal);
      return null;
    });
    // Five receive loops long-poll while the batch runs: without the heartbeat one of them gets the message at 2 s.
    const sluice = await startQueueSluice(emulator(), { queue: queue.name, waitTimeSeconds: 1, functionTimeout: 10 }, invoker);
    try {
      await invoker.until(() => invoker.invocations.length === 1 && invoker.invocations[0]?.endedAt !== undefined, 20_000, 'the slow batch');
      await eventually(async () => ((await queueDepth(sqs, queue.url)) === 0 ? true : undefined), 10_000, 'the message deleted');
      expect(invoker.invocations).toHaveLength(1);
      expect(invoker.invocations[0]?.records[0]?.attributes['ApproximateReceiveCount']).toBe('1');
    } finally {
      await sluice.shutdown(5_000);
    }
  });

  it('shutdown: a batch still running when the grace period ends is released (visibility 0) and can be received at once', async () => {
    const queue = await createQueue(sqs, queueName('release'), { VisibilityTimeout: '120' });
    await sendMessages(sqs, queue.url, [{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
    const invoker = recordingInvoker(async (_records, signal) => {
      await work(60_000, signal);
      return null;
    });
    const sluice = await startQueueSluice(emulator(), { queue: queue.name, batchSize: 10, window: 1 }, invoker);
    await invoker.until(() => invoker.running === 1, 20_000, 'the batch to start');
    await sluice.shutdown(300);
    const again = await receiveNow(queue.url);
    expect(again.map((m) => m.Body).sort()).toEqual(['a', 'b', 'c']);
    // Received by the batch, and maybe once more by a long poll still open during the shutdown (released again).
    expect(again.every((m) => Number(m.Attributes?.ApproximateReceiveCount) >= 2)).toBe(true);
  });

  it('shutdown: messages received but not yet invoked (gathering a batching window) are released at once', async () => {
    const queue = await createQueue(sqs, queueName('gather'), { VisibilityTimeout: '120' });
    const invoker = recordingInvoker();
    const sluice = await startQueueSluice(emulator(), { queue: queue.name, batchSize: 100, window: 60 }, invoker);
    await sendMessages(sqs, queue.url, [{ body: 'x' }, { body: 'y' }]);
    await eventually(async () => ((sluice.mappings[0]?.stats.records ?? 0) >= 2 ? true : undefined), 20_000, 'two messages received');
    await sluice.shutdown(5_000);
    expect(invoker.invocations).toHaveLength(0);
    const again = await receiveNow(queue.url);
    expect(again.map((m) => m.Body).sort()).toEqual(['x', 'y']);
  });

  it('a queue created after sluice started is waited for (logged once) and then consumed', async () => {
    const name = queueName('late');
    const invoker = recordingInvoker();
    const logs = captureLogger();
    const sluice = await startQueueSluice(emulator(), { queue: name, waitTimeSeconds: 1 }, invoker, logs.logger);
    try {
      await eventually(async () => (logs.messages().includes(`waiting for queue ${name}`) ? true : undefined), 20_000, 'the waiting log line');
      expect(sluice.mappings[0]?.waiting, 'what status and /readyz report').toBe(`queue ${name}`);
      const queue = await createQueue(sqs, name);
      await sendMessages(sqs, queue.url, [{ body: 'late' }]);
      await invoker.until(() => invoker.invocations.length === 1, 30_000, 'the message');
      expect(invoker.invocations[0]?.records[0]?.body).toBe('late');
      expect(logs.messages().filter((m) => m === `waiting for queue ${name}`)).toHaveLength(1);
      expect(logs.messages()).toContain(`queue ${name} is ready`);
      expect(sluice.mappings[0]?.waiting).toBeUndefined();
    } finally {
      await sluice.shutdown(5_000);
    }
  });

  it('a queue deleted while consumed (LocalStack restarted without persistence) is retried, logged once, and consumed again once it is back', async () => {
    const queue = await createQueue(sqs, queueName('gone'));
    const invoker = recordingInvoker();
    const logs = captureLogger();
    const sluice = await startQueueSluice(emulator(), { queue: queue.name, waitTimeSeconds: 1 }, invoker, logs.logger);
    try {
      await sendMessages(sqs, queue.url, [{ body: 'before' }]);
      await invoker.until(() => invoker.invocations.length === 1, 30_000, 'the first message');
      await sqs.send(new DeleteQueueCommand({ QueueUrl: queue.url }));
      const failing = (): Record<string, unknown>[] => logs.lines().filter((l) => l['msg'] === 'SQS call failing; retrying with backoff');
      await eventually(async () => (failing().length > 0 ? true : undefined), 30_000, 'the failing receive to be logged');
      // Several receive tries meet the missing queue (backoff from 1 s), still one line.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(failing().map((l) => l['problem'])).toEqual(['QueueDoesNotExist']);
      expect(sluice.mappings[0]?.waiting, 'what status and /readyz report').toBe(`queue ${queue.name}`);
      const again = await createQueue(sqs, queue.name);
      await sendMessages(sqs, again.url, [{ body: 'after' }]);
      await invoker.until(() => invoker.invocations.length === 2, 60_000, 'the message sent to the queue made again');
      expect(invoker.invocations[1]?.records[0]?.body).toBe('after');
      expect(failing()).toHaveLength(1);
      expect(logs.messages()).toContain('SQS calls succeed again');
      expect(sluice.mappings[0]?.state).toBe('Enabled');
      expect(sluice.mappings[0]?.waiting).toBeUndefined();
    } finally {
      await sluice.shutdown(5_000);
    }
  });

  it('an outage while a batch gathers in its window: the batch is invoked when the window ends, not when the endpoint is back (services-sqs-parameters)', async () => {
    const queue = await createQueue(sqs, queueName('outage'), { VisibilityTimeout: '60' });
    const proxy = await cutProxy(new URL(emulator().endpoint));
    const invoker = recordingInvoker();
    const logs = captureLogger();
    const sluice = await startQueueSluice({ ...emulator(), endpoint: proxy.endpoint }, { queue: queue.name, batchSize: 100, window: 3, waitTimeSeconds: 1 }, invoker, logs.logger);
    try {
      await eventually(async () => (logs.messages().includes('SQS queue found') ? true : undefined), 20_000, 'the queue');
      await sendMessages(sqs, queue.url, [{ body: 'gathered' }]);
      await eventually(async () => ((sluice.mappings[0]?.stats.records ?? 0) > 0 ? true : undefined), 20_000, 'the message received');
      proxy.cut();
      const cutAt = Date.now();
      await invoker.until(() => invoker.invocations.length === 1, 20_000, 'the gathered batch, with the endpoint still down');
      expect(Date.now() - cutAt, 'the window (3 s) plus at most one backoff (5 s)').toBeLessThan(10_000);
      expect(invoker.invocations[0]?.records.map((r) => r.body)).toEqual(['gathered']);
      expect(logs.lines().filter((l) => l['msg'] === 'SQS call failing; retrying with backoff')).not.toEqual([]);
    } finally {
      proxy.restore();
      await sluice.shutdown(5_000);
      await proxy.close();
    }
  });

  it('warns at start when the queue visibility timeout is shorter than the function timeout (services-sqs-configure: 6x)', async () => {
    const queue = await createQueue(sqs, queueName('short'), { VisibilityTimeout: '5' });
    const logs = captureLogger();
    const sluice = await startQueueSluice(emulator(), { queue: queue.name, functionTimeout: 30, waitTimeSeconds: 1 }, recordingInvoker(), logs.logger);
    try {
      await eventually(async () => (logs.messages().includes('SQS queue found') ? true : undefined), 20_000, 'the queue');
      const warning = logs.lines().find((l) => String(l['msg']).includes('shorter than the function timeout'));
      expect(warning?.['level']).toBe(40);
      expect(warning?.['recommended']).toBe(180);
    } finally {
      await sluice.shutdown(5_000);
    }
  });
});

describe('SQS endpoint failing', () => {
  it('a dropped connection is retried with backoff and logged once, not once per try', async () => {
    const server = await droppingServer();
    const fake: Emulator = {
      kind: 'elasticmq',
      endpoint: `http://127.0.0.1:${server.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      stop: async () => undefined,
      logs: () => '',
    };
    const logs = captureLogger();
    const file = await writeQueueConfig(fake, { queue: 'nowhere' });
    const config = await loadConfig(file, { env: {}, checkHandlers: false });
    const sluice = await startSluice({ config, logger: logs.logger, mode: 'run', env: {}, invokers: new Map([['fn', recordingInvoker()]]) });
    try {
      // The SDK tries 3 times per call; 10 connections are at least four tries of sluice's own.
      await eventually(async () => (server.connections() >= 10 ? true : undefined), 30_000, 'ten connections');
      expect(logs.messages().filter((m) => m === 'waiting for queue nowhere')).toHaveLength(1);
      expect(sluice.mappings[0]?.state).toBe('Enabled');
    } finally {
      await sluice.shutdown(1_000);
      await server.close();
    }
  });
});
