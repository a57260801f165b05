/**
 * The receive loops of a live SQS mapping scale with the backlog and back, on real emulators:
 * standard mode up to `scalingConfig.maximumConcurrency`, provisioned mode from `minimumPollers`
 * loops up to 10 concurrent batches per poller.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCALE_DOWN_AFTER_IDLE_MS } from '../../../pollers/sqs/receiver-scaling.js';
import { sqsEmulators, useEmulator } from '../../harness/index.js';
import { captureLogger, createQueue, eventually, queueName, recordingInvoker, sendMessages, sqsClient, startQueueSluice, type QueueMappingOptions } from './sqs-kit.js';

interface Scenario {
  readonly mode: string;
  readonly options: Omit<QueueMappingOptions, 'queue'>;
  /** Receive loops while the queue is empty. */
  readonly idle: number;
  /** The most concurrent batches the mapping may run. */
  readonly cap: number;
  /** The receive loops each scaling decision on the way up sets. */
  readonly steps: readonly number[];
}

const SCENARIOS: readonly Scenario[] = [
  { mode: 'standard, scalingConfig.maximumConcurrency 7', options: { maximumConcurrency: 7 }, idle: 1, cap: 7, steps: [5, 6, 7] },
  {
    mode: 'provisioned, minimumPollers 2, maximumPollers 2 (10 batches per poller, services-sqs-parameters)',
    options: { provisionedPollers: { minimumPollers: 2, maximumPollers: 2 } },
    idle: 2,
    cap: 20,
    steps: [5, 8, 11, 14, 17, 20],
  },
];

describe.each(sqsEmulators())('SQS receive loop scaling on %s', (kind) => {
  const emulator = useEmulator(kind);
  let sqs: SQSClient;
  beforeAll(() => {
    sqs = sqsClient(emulator());
  });
  afterAll(() => sqs.destroy());

  it.concurrent.each(SCENARIOS)(
    '$mode: idles at its floor, scales to its cap under a backlog and never past it, logs each decision, and scales back once the queue is empty',
    async ({ options, idle, cap, steps }) => {
      const queue = await createQueue(sqs, queueName('scaling'), { VisibilityTimeout: '60' });
      const logs = captureLogger();
      // Every batch holds until the mapping runs `cap` batches at once (or 60 s pass): with a
      // backlog of more than `cap` batches, that only ends if the loops scale all the way up.
      let peakReached: () => void = () => undefined;
      const atPeak = new Promise<void>((resolve) => {
        peakReached = resolve;
      });
      const invoker = recordingInvoker(async () => {
        if (invoker.maxRunning >= cap) peakReached();
        await Promise.race([atPeak, new Promise((resolve) => setTimeout(resolve, 60_000))]);
        return null;
      });
      const sluice = await startQueueSluice(emulator(), { queue: queue.name, ...options, waitTimeSeconds: 1 }, invoker, logs.logger);
      const loops = (): number | undefined => sluice.mappings[0]?.stats.receiveLoops?.active;
      try {
        await eventually(async () => (loops() === idle ? true : undefined), 10_000, `${idle} idle receive loops`);
        const total = (cap + 3) * 10;
        await sendMessages(sqs, queue.url, Array.from({ length: total }, (_, i) => ({ body: String(i) })));
        await invoker.until(() => invoker.maxRunning >= cap, 60_000, `${cap} batches at once`);
        await invoker.until(() => invoker.invocations.reduce((n, i) => n + i.records.length, 0) >= total, 60_000, `all ${total} messages`);
        expect(invoker.maxRunning, 'concurrent batches').toBe(cap);

        await eventually(async () => (loops() === idle ? true : undefined), SCALE_DOWN_AFTER_IDLE_MS + 30_000, `back to ${idle} receive loops`);
        const decisions = logs.lines().filter((l) => l['msg'] === `SQS receive loops scaled to ${String(l['receivers'])}`);
        expect(decisions.map((l) => [l['receivers'], l['reason']])).toEqual([
          ...steps.map((to, i) => [to, i === 0 ? 'messages available' : 'backlog']),
          [idle, 'queue empty'],
        ]);
      } finally {
        peakReached();
        await sluice.shutdown(5_000);
      }
    },
    120_000,
  );
});
