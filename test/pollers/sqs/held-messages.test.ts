import { describe, expect, it } from 'vitest';
import { trackHeldMessages } from '../../../pollers/sqs/held-messages.js';
import type { QueuePort } from '../../../pollers/sqs/queue-port.js';
import type { PipelineRecord } from '../../../src/records.js';
import { createFakeClock } from '../../support/fake-clock.js';
import { sqsRecord } from '../../support/records.js';

const NOW = Date.UTC(2026, 0, 15, 9, 0, 0);

/** A message sent `ageMs` before NOW. */
const sent = (id: string, ageMs: number): PipelineRecord => ({ ...sqsRecord({ id }), arrivalTime: NOW - ageMs });

/** A queue whose receives return the scripted batches in turn, and whose deletes can fail. */
function scriptedQueue(batches: PipelineRecord[][], options: { failDeletes?: boolean } = {}): QueuePort {
  return {
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:orders',
    fifo: false,
    finite: false,
    visibilityTimeoutSeconds: 30,
    receive: async () => batches.shift() ?? [],
    delete: async () => {
      if (options.failDeletes) throw new Error('DeleteMessageBatch failed');
    },
    settleFailed: async () => undefined,
    release: async () => undefined,
    extendVisibility: async () => undefined,
    exhausted: () => false,
  };
}

const signal = new AbortController().signal;

describe('trackHeldMessages (the SQS gauges)', () => {
  it('holds a message from its receive until it is deleted, released or settled as failed', async () => {
    const clock = createFakeClock(NOW);
    const [a, b, c, d] = [sent('a', 5_000), sent('b', 3_000), sent('c', 1_000), sent('d', 500)];
    const { queue, holdings } = trackHeldMessages(scriptedQueue([[a, b, c, d]]), clock);
    expect(queue.visibilityTimeoutSeconds).toBe(30);
    expect(queue.extendVisibility).toBeTypeOf('function');
    expect(holdings.inFlight).toBe(0);
    await queue.receive(10, 20, signal);
    expect(holdings.inFlight).toBe(4);
    await queue.delete([a], signal);
    await queue.settleFailed([b], signal);
    await queue.release([c], signal);
    expect(holdings.inFlight).toBe(1);
    await queue.delete([d], signal);
    expect(holdings.inFlight).toBe(0);
  });

  it('lets go of messages whose delete failed (SQS hands them out again), and passes the failure on', async () => {
    const clock = createFakeClock(NOW);
    const a = sent('a', 0);
    const { queue, holdings } = trackHeldMessages(scriptedQueue([[a]], { failDeletes: true }), clock);
    await queue.receive(10, 20, signal);
    await expect(queue.delete([a], signal)).rejects.toThrow('DeleteMessageBatch failed');
    expect(holdings.inFlight).toBe(0);
  });

  it('age: now - SentTimestamp of the oldest message held, growing while it is held', async () => {
    const clock = createFakeClock(NOW);
    const [old, young] = [sent('old', 5_000), sent('young', 1_000)];
    const { queue, holdings } = trackHeldMessages(scriptedQueue([[young, old]]), clock);
    expect(holdings.ageOfOldestMessageMs()).toBe(0);
    await queue.receive(10, 20, signal);
    expect(holdings.ageOfOldestMessageMs()).toBe(5_000);
    await clock.advance(2_000);
    expect(holdings.ageOfOldestMessageMs()).toBe(7_000);
    await queue.delete([old], signal);
    expect(holdings.ageOfOldestMessageMs()).toBe(3_000);
  });

  it('age with nothing held: what the last receive saw when it received (it does not grow); 0 after an empty receive', async () => {
    const clock = createFakeClock(NOW);
    const [a, b] = [sent('a', 4_000), sent('b', 2_000)];
    const { queue, holdings } = trackHeldMessages(scriptedQueue([[a, b], []]), clock);
    await queue.receive(10, 20, signal);
    await clock.advance(1_000);
    await queue.delete([a, b], signal);
    expect(holdings.ageOfOldestMessageMs()).toBe(4_000);
    await clock.advance(10_000);
    expect(holdings.ageOfOldestMessageMs()).toBe(4_000);
    await queue.receive(10, 20, signal);
    expect(holdings.ageOfOldestMessageMs()).toBe(0);
  });

  it('ignores a message without a SentTimestamp; clear() forgets everything (the consumer stopped)', async () => {
    const clock = createFakeClock(NOW);
    const noTimestamp = { ...sqsRecord({ id: 'x' }), arrivalTime: Number.NaN };
    const held = trackHeldMessages(scriptedQueue([[noTimestamp, sent('a', 1_500)]]), clock);
    await held.queue.receive(10, 20, signal);
    expect(held.holdings.ageOfOldestMessageMs()).toBe(1_500);
    held.clear();
    expect([held.holdings.inFlight, held.holdings.ageOfOldestMessageMs()]).toEqual([0, 0]);
  });
});
