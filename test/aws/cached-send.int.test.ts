import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cachedSendOptions, withCachedSend } from '../../src/aws/cached-send.js';
import { asRecordReader, clientConfig, readerClientConfig } from '../../src/aws/client-config.js';
import { useEmulator } from '../harness/index.js';
import { createQueue, queueName, sqsClient } from '../pollers/sqs/sqs-kit.js';

describe('cached middleware stacks with per-call abort signals, on ElasticMQ', () => {
  const emulator = useEmulator('elasticmq');
  let plain: SQSClient;
  let reader: SQSClient;
  beforeAll(() => {
    plain = sqsClient(emulator());
    reader = asRecordReader(new SQSClient(readerClientConfig('sqs', { endpoint: emulator().endpoint, region: emulator().region }, {})));
  });
  afterAll(() => {
    plain.destroy();
    reader.destroy();
  });

  const receive = (url: string, waitTimeSeconds: number) =>
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: waitTimeSeconds, MessageAttributeNames: ['All'] });

  it('builds each command class stack once, signals or not', async () => {
    const queue = await createQueue(plain, queueName('cached'));
    const resolve = vi.spyOn(ReceiveMessageCommand.prototype, 'resolveMiddleware');
    try {
      for (let i = 0; i < 5; i += 1) await reader.send(receive(queue.url, 0), { abortSignal: new AbortController().signal });
      await reader.send(receive(queue.url, 0));
      expect(resolve.mock.calls.length).toBeLessThanOrEqual(1);
      // The SDK's default: a stack per send with options.
      await plain.send(receive(queue.url, 0), { abortSignal: new AbortController().signal });
      await plain.send(receive(queue.url, 0), { abortSignal: new AbortController().signal });
      expect(resolve.mock.calls.length).toBeGreaterThanOrEqual(2);
    } finally {
      resolve.mockRestore();
    }
  });

  it('a signal cuts an open long poll, as { abortSignal } does without the cache', async () => {
    const queue = await createQueue(plain, queueName('cut'));
    const stop = new AbortController();
    const started = Date.now();
    const polling = reader.send(receive(queue.url, 20), { abortSignal: stop.signal });
    setTimeout(() => stop.abort(new Error('shutdown')), 200);
    await expect(polling).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    // The next call on the same cached stack, with a fresh signal, is not affected by the old one.
    // (Another queue: ElasticMQ keeps the cut poll waiting on its side and would hand it the message.)
    const next = await createQueue(plain, queueName('after-cut'));
    await plain.send(new SendMessageCommand({ QueueUrl: next.url, MessageBody: 'after' }));
    const out = await reader.send(receive(next.url, 5), { abortSignal: new AbortController().signal });
    expect(out.Messages?.map((m) => m.Body)).toEqual(['after']);
    const entries = (out.Messages ?? []).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle }));
    const deleted = await reader.send(new DeleteMessageBatchCommand({ QueueUrl: next.url, Entries: entries }), { abortSignal: new AbortController().signal });
    expect(deleted.Successful).toHaveLength(1);
  });

  it('an already aborted signal fails the call without waiting', async () => {
    const queue = await createQueue(plain, queueName('aborted'));
    const started = Date.now();
    await expect(reader.send(receive(queue.url, 20), { abortSignal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('withCachedSend', () => {
  it('refuses a client created without cachedSendOptions (its signals would be lost)', () => {
    const client = new SQSClient({ ...clientConfig('sqs', { endpoint: 'http://127.0.0.1:1', region: 'us-east-1' }, {}) });
    expect(() => withCachedSend(client)).toThrow(/cachedSendOptions/);
    client.destroy();
    const ok = new SQSClient({ ...clientConfig('sqs', { endpoint: 'http://127.0.0.1:1', region: 'us-east-1' }, {}), ...cachedSendOptions() });
    expect(withCachedSend(ok)).toBe(ok);
    ok.destroy();
  });
});
