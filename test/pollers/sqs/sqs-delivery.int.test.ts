import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsEmulators, useEmulator } from '../../harness/index.js';
import {
  createQueue,
  createQueueWithDlq,
  drain,
  eventually,
  queueDepth,
  queueName,
  recordingInvoker,
  sendMessages,
  sqsClient,
  startQueueSluice,
} from './sqs-kit.js';

const failureIds = (records: readonly { messageId: string; body: string }[], fails: (body: string) => boolean) => ({
  batchItemFailures: records.filter((r) => fails(r.body)).map((r) => ({ itemIdentifier: r.messageId })),
});

describe.each(sqsEmulators())('SQS delivery on %s', (kind) => {
  const emulator = useEmulator(kind);
  let sqs: SQSClient;
  beforeAll(() => {
    sqs = sqsClient(emulator());
  });
  afterAll(() => sqs.destroy());

  // moto's SQS costs O(queue length) per call (a 3,000-message queue takes ~100 s just to
  // fill), so it gets a smaller volume; ElasticMQ and LocalStack get the full 10,000.
  const TOTAL = kind === 'moto' ? 400 : 10_000;
  // moto serves one request at a time and a receive from a 400-message queue takes 250-450 ms
  // there: ten concurrent receive loops would wait ~3 s per receive, longer than a 2 s visibility
  // timeout, so every message would come back before it could be deleted (a livelock of moto's
  // making, not a property of the poller). Three loops and 6 s keep moto's round trips well inside.
  const concurrency = kind === 'moto' ? 3 : 10;
  const visibilityTimeout = kind === 'moto' ? 6 : 2;

  it(
    `${TOTAL} messages, every 7th failing with ReportBatchItemFailures, maxReceiveCount 3: every good one processed, the failing ones in the DLQ, none lost (services-sqs-errorhandling)`,
    async () => {
      const { queue, dlq } = await createQueueWithDlq(sqs, 'bulk', { maxReceiveCount: 3, visibilityTimeout });
      const bad = (body: string): boolean => Number(body) % 7 === 0;
      const processed = new Map<string, number>();
      const failedReceives = new Map<string, number>();
      const invoker = recordingInvoker((records) => {
        for (const r of records) {
          const seen = bad(r.body) ? failedReceives : processed;
          seen.set(r.body, (seen.get(r.body) ?? 0) + 1);
        }
        return failureIds(records, bad);
      });
      await sendMessages(
        sqs,
        queue.url,
        Array.from({ length: TOTAL }, (_, i) => ({ body: String(i) })),
      );
      const sluice = await startQueueSluice(emulator(), { queue: queue.name, reportBatchItemFailures: true, maximumConcurrency: concurrency, waitTimeSeconds: 1 }, invoker);
      try {
        const good = TOTAL - Math.ceil(TOTAL / 7);
        await invoker.until(() => processed.size === good, 90_000, `${good} good messages`);
        const badCount = TOTAL - good;
        const dead = await eventually(
          async () => {
            const depth = await queueDepth(sqs, dlq.url);
            return depth >= badCount ? depth : undefined;
          },
          60_000,
          'the DLQ to fill',
        );
        expect(dead).toBe(badCount);
        const inDlq = new Set((await drain(sqs, dlq.url)).map((m) => m.Body));
        expect(inDlq.size).toBe(badCount);
        expect([...inDlq].every((b) => b !== undefined && bad(b))).toBe(true);
        expect(processed.size + inDlq.size).toBe(TOTAL);
        if (kind !== 'moto') {
          // moto's server is not thread-safe: concurrent receives now and then hand a message out
          // twice, or count a receive that failed with a 500, so it gets at-least-once checks only.
          expect([...failedReceives.values()].every((n) => n === 3), 'each failing message received maxReceiveCount times').toBe(true);
          const duplicates = [...processed.values()].filter((n) => n > 1).length;
          expect(duplicates, 'good messages processed more than once').toBeLessThanOrEqual(TOTAL / 1_000);
        }
        expect(sluice.mappings[0]?.stats.processed).toBeGreaterThanOrEqual(good);
      } finally {
        await sluice.shutdown(5_000);
      }
    },
    180_000,
  );

  it('partial batch response: only the successes are deleted; the failures return with ApproximateReceiveCount 2 (services-sqs-errorhandling#services-sqs-batchfailurereporting)', async () => {
    const queue = await createQueue(sqs, queueName('partial'), { VisibilityTimeout: '1' });
    await sendMessages(sqs, queue.url, Array.from({ length: 10 }, (_, i) => ({ body: String(i) })));
    const invoker = recordingInvoker((records, _signal, call) => (call === 1 ? failureIds(records, (b) => b === '3' || b === '8') : null));
    const sluice = await startQueueSluice(emulator(), { queue: queue.name, reportBatchItemFailures: true, batchSize: 10, window: 1 }, invoker);
    try {
      await invoker.until(() => invoker.invocations.flatMap((i) => i.records).length >= 12, 30_000, 'the two failures to come back');
      const [first, ...retries] = invoker.invocations;
      expect(first?.records).toHaveLength(10);
      const retried = retries.flatMap((i) => i.records);
      expect(retried.map((r) => r.body).sort()).toEqual(['3', '8']);
      expect(retried.every((r) => r.attributes['ApproximateReceiveCount'] === '2')).toBe(true);
      await eventually(async () => ((await queueDepth(sqs, queue.url)) === 0 ? true : undefined), 10_000, 'an empty queue');
    } finally {
      await sluice.shutdown(5_000);
    }
  });

  it('an invalid batch response (unknown itemIdentifier) fails the whole batch: every message is received again', async () => {
    const queue = await createQueue(sqs, queueName('invalid'), { VisibilityTimeout: '1' });
    await sendMessages(sqs, queue.url, Array.from({ length: 5 }, (_, i) => ({ body: String(i) })));
    const invoker = recordingInvoker((_records, _signal, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] } : { batchItemFailures: [] },
    );
    const sluice = await startQueueSluice(emulator(), { queue: queue.name, reportBatchItemFailures: true, batchSize: 10, window: 1 }, invoker);
    try {
      await invoker.until(() => invoker.invocations.flatMap((i) => i.records).length >= 10, 30_000, 'the whole batch to come back');
      const again = invoker.invocations.slice(1).flatMap((i) => i.records);
      expect(again.map((r) => r.body).sort()).toEqual(['0', '1', '2', '3', '4']);
      expect(again.every((r) => r.attributes['ApproximateReceiveCount'] === '2')).toBe(true);
      await eventually(async () => ((await queueDepth(sqs, queue.url)) === 0 ? true : undefined), 10_000, 'an empty queue');
    } finally {
      await sluice.shutdown(5_000);
    }
  });

  it('a function error leaves the whole batch to the queue; the redrive policy dead-letters it after maxReceiveCount', async () => {
    const { queue, dlq } = await createQueueWithDlq(sqs, 'error', { maxReceiveCount: 2, visibilityTimeout: 1 });
    await sendMessages(sqs, queue.url, [{ body: 'poison' }]);
    const invoker = recordingInvoker(() => {
      throw new Error('boom');
    });
    const sluice = await startQueueSluice(emulator(), { queue: queue.name, waitTimeSeconds: 1 }, invoker);
    try {
      await invoker.until(() => invoker.invocations.length >= 2, 30_000, 'two receives');
      const dead = await eventually(async () => ((await queueDepth(sqs, dlq.url)) === 1 ? true : undefined), 30_000, 'the DLQ');
      expect(dead).toBe(true);
      expect(invoker.invocations.map((i) => i.records[0]?.attributes['ApproximateReceiveCount'])).toEqual(['1', '2']);
      expect(sluice.mappings[0]?.stats.functionErrors).toBe(2);
    } finally {
      await sluice.shutdown(5_000);
    }
  });

  it('filterCriteria: matching messages reach the function, the others are deleted (with-sqs-filtering)', async () => {
    const queue = await createQueue(sqs, queueName('filter'), { VisibilityTimeout: '30' });
    await sendMessages(
      sqs,
      queue.url,
      Array.from({ length: 10 }, (_, i) => ({ body: JSON.stringify({ type: i % 2 === 0 ? 'order' : 'refund', i }) })),
    );
    const invoker = recordingInvoker();
    const sluice = await startQueueSluice(emulator(), { queue: queue.name, filterPattern: { body: { type: ['order'] } } }, invoker);
    try {
      await invoker.until(() => invoker.invocations.flatMap((i) => i.records).length >= 5, 30_000, 'five matching messages');
      await eventually(async () => ((await queueDepth(sqs, queue.url)) === 0 ? true : undefined), 10_000, 'an empty queue');
      const bodies = invoker.invocations.flatMap((i) => i.records).map((r) => JSON.parse(r.body) as { type: string });
      expect(bodies).toHaveLength(5);
      expect(bodies.every((b) => b.type === 'order')).toBe(true);
      expect(sluice.mappings[0]?.stats.filtered).toBe(5);
    } finally {
      await sluice.shutdown(5_000);
    }
  });

  it('batchSize above 10 with a batching window gathers several receives into one invocation (services-sqs-parameters)', async () => {
    const queue = await createQueue(sqs, queueName('window'), { VisibilityTimeout: '30' });
    await sendMessages(sqs, queue.url, Array.from({ length: 35 }, (_, i) => ({ body: String(i) })));
    const invoker = recordingInvoker();
    const sluice = await startQueueSluice(emulator(), { queue: queue.name, batchSize: 100, window: 2, maximumConcurrency: 2 }, invoker);
    try {
      await invoker.until(() => invoker.invocations.flatMap((i) => i.records).length >= 35, 30_000, '35 messages');
      expect(Math.max(...invoker.invocations.map((i) => i.records.length))).toBeGreaterThan(10);
    } finally {
      await sluice.shutdown(5_000);
    }
  });
});
