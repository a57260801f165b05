import { describe, expect, it } from 'vitest';
import { runShardConsumer } from '../../../pollers/streams/shard-consumer.js';
import type { BatchOutcome } from '../../../src/dispatch/invoke-batch.js';
import { createReplayShardReader } from '../../../src/replay/replay-shard-reader.js';
import { SHARD_END, type CheckpointStore } from '../../../src/state/checkpoint-store.js';
import { createMemoryCheckpointStore } from '../../../src/state/memory-checkpoint-store.js';
import { createFakeClock, flush } from '../../support/fake-clock.js';
import { makeMapping } from '../../support/mapping.js';
import { SHARD_ID, STREAM_ARN, sequenceNumber, streamRecords } from '../../support/records.js';
import { consumerDeps, gate } from './consumer-harness.js';

const KEY = { mapping: 'test-mapping', streamArn: STREAM_ARN, shardId: SHARD_ID };
const success = (): BatchOutcome => ({ kind: 'success', response: null, requestId: 'r' });

/** A memory store whose checkpoint writes wait for the test to let them through. */
function slowStore(): { store: CheckpointStore; writes: string[]; release: () => void } {
  const inner = createMemoryCheckpointStore();
  const writes: string[] = [];
  let current = gate();
  return {
    writes,
    release: () => {
      const opened = current;
      current = gate();
      opened.open();
    },
    store: {
      ...inner,
      async checkpoint(lease, value) {
        await current.promise;
        writes.push(value);
        await inner.checkpoint(lease, value);
      },
    },
  };
}

describe('runShardConsumer checkpoints (KCL: checkpoint after each batch)', () => {
  it('invokes the next batch only once the previous batch is checkpointed, so a crash redelivers at most the batch in flight', async () => {
    const { store, writes, release } = slowStore();
    const lease = await store.acquireLease(KEY, 'worker-1');
    const clock = createFakeClock();
    const invoked: string[][] = [];
    const { deps } = consumerDeps({
      mapping: makeMapping({ batchSize: 2 }),
      reader: createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records: streamRecords(6), maxRecordsPerRead: 100 }),
      store,
      lease,
      clock,
      invoke: async (batch) => {
        invoked.push(batch.map((r) => r.sequenceNumber ?? ''));
        return success();
      },
    });
    const running = runShardConsumer(deps, new AbortController().signal, new AbortController().signal);
    await flush(20);
    expect(invoked).toHaveLength(1);
    expect(writes).toEqual([]);
    release();
    await flush(20);
    expect(writes).toEqual([sequenceNumber(1)]);
    expect(invoked).toHaveLength(2);
    release();
    await flush(20);
    expect(invoked).toHaveLength(3);
    release();
    await flush(20);
    release();
    expect(await running).toBe('SHARD_END');
    expect(writes).toEqual([sequenceNumber(1), sequenceNumber(3), sequenceNumber(5), SHARD_END]);
  });

  it('a slow store writes only the furthest position waiting (writes coalesce; it never falls further behind)', async () => {
    const { store, writes, release } = slowStore();
    const lease = await store.acquireLease(KEY, 'worker-1');
    const clock = createFakeClock();
    const { deps } = consumerDeps({
      // Ten lanes: many batches finish while one write is held.
      mapping: makeMapping({ batchSize: 1, parallelizationFactor: 10 }),
      reader: createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records: streamRecords(10, { keys: 10 }), maxRecordsPerRead: 100 }),
      store,
      lease,
      clock,
      invoke: async () => success(),
    });
    let result: string | undefined;
    const running = runShardConsumer(deps, new AbortController().signal, new AbortController().signal).then((r) => (result = r));
    for (let i = 0; i < 50 && result === undefined; i += 1) {
      await flush(10);
      release();
    }
    await running;
    expect(result).toBe('SHARD_END');
    // Ten batches and the shard end, in far fewer writes.
    expect(writes.length).toBeLessThan(6);
    expect(writes.at(-2)).toBe(sequenceNumber(9));
    expect(writes.at(-1)).toBe(SHARD_END);
  });
});
