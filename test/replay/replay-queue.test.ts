import { describe, expect, it } from 'vitest';
import { createReplayQueue } from '../../src/replay/replay-queue.js';
import { sqsRecord } from '../support/records.js';

const ARN = 'arn:aws:sqs:us-east-1:000000000000:q';
const never = new AbortController().signal;

function queue(options: { ids: string[]; groups?: (string | undefined)[]; maxReceiveCount?: number; maxAttempts?: number; fifo?: boolean }) {
  return createReplayQueue({
    queueArn: options.fifo ? `${ARN}.fifo` : ARN,
    fifo: options.fifo ?? false,
    messages: options.ids.length,
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.maxReceiveCount === undefined ? {} : { maxReceiveCount: options.maxReceiveCount }),
    receiveAs: (index, receiveCount) => {
      const group = options.groups?.[index];
      return sqsRecord({ id: options.ids[index] as string, receiveCount, ...(group === undefined ? {} : { group }) });
    },
  });
}
const ids = (records: readonly { itemIdentifier: string }[]) => records.map((r) => r.itemIdentifier);
const receiveCount = (record: { event: Record<string, unknown> }) => (record.event['attributes'] as Record<string, string>)['ApproximateReceiveCount'];

describe('createReplayQueue (sqs-dead-letter-queues, FIFO message groups)', () => {
  it('a received message is invisible until deleted or failed; a failed one comes back with ApproximateReceiveCount + 1', async () => {
    const q = queue({ ids: ['a', 'b', 'c'] });
    const first = await q.receive(2, 0, never);
    expect(ids(first)).toEqual(['a', 'b']);
    expect(ids(await q.receive(10, 0, never))).toEqual(['c']);
    expect(await q.receive(10, 0, never)).toEqual([]);
    await q.delete([first[0]!], never);
    await q.settleFailed([first[1]!], never);
    const again = await q.receive(10, 0, never);
    expect(ids(again)).toEqual(['b']);
    expect(receiveCount(again[0]!)).toBe('2');
    expect(q.exhausted()).toBe(false);
  });

  it('release makes messages visible at once; deleting a stale receipt does nothing', async () => {
    const q = queue({ ids: ['a'] });
    const [a1] = await q.receive(1, 0, never);
    await q.release([a1!], never);
    const [a2] = await q.receive(1, 0, never);
    await q.delete([a1!], never); // the first receive's record: stale
    expect(await q.receive(1, 0, never)).toEqual([]);
    await q.delete([a2!], never);
    expect(q.exhausted()).toBe(true);
  });

  it('maxReceiveCount: a message received that many times goes to the dead-letter list instead of being received again', async () => {
    const q = queue({ ids: ['bad', 'ok'], maxReceiveCount: 2, maxAttempts: 1 });
    for (let receive = 1; receive <= 2; receive += 1) {
      const got = await q.receive(10, 0, never);
      const bad = got.find((r) => r.itemIdentifier === 'bad')!;
      expect(receiveCount(bad)).toBe(String(receive));
      await q.settleFailed([bad], never);
      await q.delete(got.filter((r) => r !== bad), never);
    }
    expect(await q.receive(10, 0, never)).toEqual([]);
    expect(ids(q.stats.deadLettered)).toEqual(['bad']);
    // With a redrive policy, maxAttempts (1 here) does not apply: SQS would dead-letter, not drop.
    expect(q.stats.abandoned).toEqual([]);
    expect(q.exhausted()).toBe(true);
  });

  it('without a redrive policy, a message is abandoned after maxAttempts receives (a replay must end)', async () => {
    const q = queue({ ids: ['bad'], maxAttempts: 3 });
    for (let i = 0; i < 3; i += 1) await q.settleFailed(await q.receive(10, 0, never), never);
    expect(await q.receive(10, 0, never)).toEqual([]);
    expect(ids(q.stats.abandoned)).toEqual(['bad']);
    expect(q.stats.deadLettered).toEqual([]);
    expect(q.exhausted()).toBe(true);
  });

  it('FIFO: a group with a message in flight is blocked; other groups are delivered; one receive may return several of a group, in order', async () => {
    const q = queue({ fifo: true, ids: ['a1', 'b1', 'a2', 'c1', 'b2'], groups: ['a', 'b', 'a', 'c', 'b'] });
    const first = await q.receive(1, 0, never);
    expect(ids(first)).toEqual(['a1']);
    const second = await q.receive(10, 0, never);
    // a2 waits for a1; b1 and b2 come together in order.
    expect(ids(second)).toEqual(['b1', 'c1', 'b2']);
    expect(await q.receive(10, 0, never)).toEqual([]);
    // a1 fails: it is received again before a2, and a2 still waits.
    await q.settleFailed(first, never);
    const third = await q.receive(1, 0, never);
    expect(ids(third)).toEqual(['a1']);
    expect(await q.receive(10, 0, never)).toEqual([]);
    await q.delete(third, never);
    expect(ids(await q.receive(10, 0, never))).toEqual(['a2']);
  });

  it('FIFO: a group stays blocked while any of its in-flight messages is unsettled', async () => {
    const q = queue({ fifo: true, ids: ['a1', 'a2', 'a3'], groups: ['a', 'a', 'a'] });
    const got = await q.receive(2, 0, never);
    expect(ids(got)).toEqual(['a1', 'a2']);
    await q.delete([got[0]!], never);
    expect(await q.receive(10, 0, never)).toEqual([]);
    await q.delete([got[1]!], never);
    expect(ids(await q.receive(10, 0, never))).toEqual(['a3']);
  });
});
