/**
 * The SQS gauges on `/metrics` of a sluice consuming a real queue: messages in flight while a
 * slow handler holds a batch and 0 once it is deleted; the age of the oldest message.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsEmulators, useEmulator } from '../harness/index.js';
import { createQueue, eventually, queueDepth, queueName, recordingInvoker, sendMessages, sqsClient, startQueueSluice } from '../pollers/sqs/sqs-kit.js';
import { deferred } from '../push/support.js';
import { metricSample } from './sluice-process.js';

/** How long the messages wait in the queue before sluice starts. */
const WAITED_MS = 1_500;

const gauge = (url: string, name: string): Promise<number | undefined> => metricSample(url, `${name}{mapping="queue",function="fn",source="sqs"`);

describe.each(sqsEmulators())('SQS gauges on /metrics, on %s', (kind) => {
  const emulator = useEmulator(kind);
  let sqs: SQSClient;
  beforeAll(() => {
    sqs = sqsClient(emulator());
  });
  afterAll(() => sqs.destroy());

  it('in flight while a slow handler holds the batch, 0 once deleted; the age counts from SentTimestamp, 0 after an empty receive', async () => {
    const queue = await createQueue(sqs, queueName('gauges'), { VisibilityTimeout: '60' });
    await sendMessages(sqs, queue.url, [{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
    const sentBy = Date.now();
    await new Promise((resolve) => setTimeout(resolve, WAITED_MS)); // the messages grow old in the queue
    const handlerMayFinish = deferred();
    const invoker = recordingInvoker(async () => {
      await handlerMayFinish.promise;
      return null;
    });
    const sluice = await startQueueSluice(emulator(), { queue: queue.name, batchSize: 10, waitTimeSeconds: 1 }, invoker);
    try {
      const url = sluice.httpUrl ?? '';
      const invoked = (): number => invoker.invocations.reduce((n, i) => n + i.records.length, 0);
      await invoker.until(() => invoked() === 3, 20_000, 'all three messages in held batches');

      expect(await gauge(url, 'sluice_sqs_messages_in_flight')).toBe(3);
      expect(await gauge(url, 'sluice_offset_lag_records')).toBe(3);
      // Lambda's first step of five, the default cap (services-sqs-scaling).
      expect(await gauge(url, 'sluice_sqs_receive_loops')).toBe(5);
      const age = (await gauge(url, 'sluice_sqs_approximate_age_of_oldest_message_seconds')) ?? 0;
      expect(age).toBeGreaterThanOrEqual(WAITED_MS / 1000 - 0.1); // emulator and test share a clock (ms resolution)
      expect(age).toBeLessThanOrEqual((Date.now() - sentBy) / 1000 + 1);

      handlerMayFinish.resolve();
      await eventually(async () => ((await queueDepth(sqs, queue.url)) === 0 ? true : undefined), 20_000, 'the messages deleted');
      await eventually(async () => ((await gauge(url, 'sluice_sqs_messages_in_flight')) === 0 ? true : undefined), 10_000, 'in flight back to 0');
      expect(await gauge(url, 'sluice_offset_lag_records')).toBe(0);
      // The next long poll (1 s) comes back empty: nothing waits in the queue.
      await eventually(
        async () => ((await gauge(url, 'sluice_sqs_approximate_age_of_oldest_message_seconds')) === 0 ? true : undefined),
        10_000,
        'the age back to 0',
      );
    } finally {
      handlerMayFinish.resolve();
      await sluice.shutdown(5_000);
    }
  });
});
