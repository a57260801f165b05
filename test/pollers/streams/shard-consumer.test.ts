import { describe, expect, it } from 'vitest';
import { toStreamError } from '../../../pollers/streams/aws-errors.js';
import { laneOfKey, runShardConsumer } from '../../../pollers/streams/shard-consumer.js';
import type { ShardPosition } from '../../../pollers/streams/shard-reader.js';
import { FailureReason, type BatchOutcome } from '../../../src/dispatch/invoke-batch.js';
import { SluiceError } from '../../../src/errors.js';
import type { PipelineRecord } from '../../../src/records.js';
import { compareSequenceNumbers, createReplayShardReader } from '../../../src/replay/replay-shard-reader.js';
import { SHARD_END } from '../../../src/state/checkpoint-store.js';
import { createMemoryCheckpointStore } from '../../../src/state/memory-checkpoint-store.js';
import { createFakeClock, flush } from '../../support/fake-clock.js';
import { makeMapping } from '../../support/mapping.js';
import { SHARD_ID, STREAM_ARN, sequenceNumber, streamRecord, streamRecords } from '../../support/records.js';
import { consumerDeps, createPushShardReader, gate } from './consumer-harness.js';

const KEY = { mapping: 'test-mapping', streamArn: STREAM_ARN, shardId: SHARD_ID };
const success = (): BatchOutcome => ({ kind: 'success', response: null, requestId: 'r' });
const functionError = (): BatchOutcome => ({
  kind: 'failure',
  reason: FailureReason.FunctionError,
  message: 'boom',
  requestId: 'r',
  functionError: 'Unhandled',
});

/** A small deterministic PRNG (mulberry32), so "random" delays are the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isAscending = (values: readonly string[]): boolean => values.every((v, i) => i === 0 || compareSequenceNumbers(values[i - 1] as string, v) < 0);

async function setup() {
  const store = createMemoryCheckpointStore();
  const lease = await store.acquireLease(KEY, 'worker-1');
  return { store, lease, clock: createFakeClock() };
}

describe('runShardConsumer (with-kinesis: parallelizationFactor, batching window; KCL checkpoints)', () => {
  it('parallelizationFactor 10 over 20,000 records and 50 partition keys: per-key order, no key in two batches at once, every record exactly once, checkpoint at SHARD_END', async () => {
    const records = streamRecords(20_000, { keys: 50 });
    const { store, lease, clock } = await setup();
    const next = random(42);
    const inFlightKeys = new Set<string>();
    const perKey = new Map<string, number[]>();
    const seen = new Map<string, number>();
    let overlaps = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const index = new Map(records.map((r, i) => [r, i]));
    const { deps, checkpoints } = consumerDeps({
      mapping: makeMapping({ batchSize: 100, parallelizationFactor: 10 }),
      reader: createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records, maxRecordsPerRead: 1_000 }),
      store,
      lease,
      clock,
      invoke: async (batch) => {
        const keys = new Set(batch.map((r) => r.orderingKey as string));
        for (const key of keys) if (inFlightKeys.has(key)) overlaps += 1;
        for (const key of keys) inFlightKeys.add(key);
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        for (const r of batch) {
          const list = perKey.get(r.orderingKey as string) ?? [];
          list.push(index.get(r) as number);
          perKey.set(r.orderingKey as string, list);
          seen.set(r.itemIdentifier, (seen.get(r.itemIdentifier) ?? 0) + 1);
        }
        await flush(Math.floor(next() * 4));
        concurrent -= 1;
        for (const key of keys) inFlightKeys.delete(key);
        return success();
      },
    });
    const result = await clock.run(runShardConsumer(deps, new AbortController().signal, new AbortController().signal));
    expect(result).toBe('SHARD_END');
    expect(overlaps).toBe(0);
    expect(maxConcurrent).toBeGreaterThan(1);
    expect(maxConcurrent).toBeLessThanOrEqual(10);
    expect(perKey.size).toBe(50);
    for (const list of perKey.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
    expect(seen.size).toBe(20_000);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const written = checkpoints();
    expect(written.at(-1)).toBe(SHARD_END);
    expect(written.at(-2)).toBe(records.at(-1)?.sequenceNumber);
    expect(isAscending(written.slice(0, -1))).toBe(true);
    expect(await store.getCheckpoint(KEY)).toBe(SHARD_END);
  });

  it('the checkpoint never passes a failed batch that is being retried: a slow failing lane holds it while the other lane advances', async () => {
    // Two keys, one per lane.
    const keyA = 'pk-a';
    const keyB = ['pk-b', 'pk-c', 'pk-d', 'pk-e', 'pk-f', 'pk-g'].find((k) => laneOfKey(k, 2) !== laneOfKey(keyA, 2)) as string;
    const records = Array.from({ length: 40 }, (_, index) => streamRecord({ index, key: index % 2 === 0 ? keyA : keyB }));
    const failing = records[10] as PipelineRecord; // key A
    const { store, lease, clock } = await setup();
    let failures = 0;
    const invokedB: PipelineRecord[] = [];
    let failingBatch: readonly PipelineRecord[] = [];
    const { deps, checkpoints } = consumerDeps({
      mapping: makeMapping({ batchSize: 4, parallelizationFactor: 2 }),
      reader: createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records }),
      store,
      lease,
      clock,
      retryDelayMs: () => 60_000,
      invoke: async (batch) => {
        if (batch[0]?.orderingKey === keyB) invokedB.push(...batch);
        if (batch.includes(failing) && failures < 3) {
          failures += 1;
          failingBatch = batch;
          return functionError();
        }
        return success();
      },
    });
    const consumer = runShardConsumer(deps, new AbortController().signal, new AbortController().signal);
    // Without moving time, lane B finishes everything while lane A waits to retry.
    await clock.sleeping(1);
    await flush(20);
    expect(invokedB).toHaveLength(20);
    expect(failures).toBe(1);
    const lowestFailing = records.indexOf(failingBatch[0] as PipelineRecord);
    expect(lowestFailing).toBe(8); // lane A batches: [0,2,4,6], [8,10,12,14]
    const held = checkpoints();
    expect(held.at(-1)).toBe(sequenceNumber(lowestFailing - 1));
    expect(held.every((c) => compareSequenceNumbers(c, sequenceNumber(lowestFailing)) < 0)).toBe(true);
    expect(await store.getCheckpoint(KEY)).toBe(sequenceNumber(lowestFailing - 1));

    expect(await clock.run(consumer)).toBe('SHARD_END');
    expect(failures).toBe(3);
    expect(checkpoints().at(-1)).toBe(SHARD_END);
  });

  it('records the filter rejects still advance the checkpoint', async () => {
    const records = streamRecords(30);
    const { store, lease, clock } = await setup();
    const invoked: PipelineRecord[] = [];
    const { deps, checkpoints, progress } = consumerDeps({
      mapping: makeMapping({ batchSize: 10 }),
      reader: createPushShardReader(),
      store,
      lease,
      clock,
      filter: (r) => records.indexOf(r) < 12,
      invoke: async (batch) => {
        invoked.push(...batch);
        return success();
      },
    });
    const reader = deps.reader as ReturnType<typeof createPushShardReader>;
    reader.push(records);
    const stop = new AbortController();
    const consumer = runShardConsumer(deps, stop.signal, new AbortController().signal);
    await clock.sleeping(1); // caught up: polling again later
    await flush(10);
    expect(invoked).toEqual(records.slice(0, 12));
    expect(checkpoints().at(-1)).toBe(records[29]?.sequenceNumber);
    expect(progress).toContainEqual({ kind: 'filtered', records: 18 });
    stop.abort();
    expect(await clock.run(consumer)).toBe('STOPPED');
    expect(await store.getCheckpoint(KEY)).toBe(records[29]?.sequenceNumber);
  });

  it('maximumBatchingWindowInSeconds: a batch waits for the window unless it is full', async () => {
    const { store, lease, clock } = await setup();
    const reader = createPushShardReader({ pollIntervalMs: 1_000 });
    const batches: { at: number; size: number }[] = [];
    const start = clock.now();
    const { deps } = consumerDeps({
      mapping: makeMapping({ batchSize: 10, maximumBatchingWindowInSeconds: 5 }),
      reader,
      store,
      lease,
      clock,
      invoke: async (batch) => {
        batches.push({ at: clock.now() - start, size: batch.length });
        return success();
      },
    });
    const stop = new AbortController();
    const consumer = runShardConsumer(deps, stop.signal, new AbortController().signal);
    reader.push(streamRecords(3, { from: 0 }));
    await clock.advance(3_500);
    expect(batches).toEqual([]);
    reader.push(streamRecords(2, { from: 3 })); // read by the poll at t=4 s
    await clock.advance(1_400);
    expect(batches).toEqual([]);
    await clock.advance(100);
    // The window opened when the first record was buffered (t=0) and closed at t=5 s.
    expect(batches).toEqual([{ at: 5_000, size: 5 }]);

    // A full batch does not wait.
    reader.push(streamRecords(10, { from: 5 }));
    await clock.advance(1_000);
    expect(batches).toEqual([
      { at: 5_000, size: 5 },
      { at: 6_000, size: 10 },
    ]);
    // 12 records: a full batch at once, the other 2 after their window.
    reader.push(streamRecords(12, { from: 15 }));
    await clock.advance(1_000);
    expect(batches.at(-1)).toEqual({ at: 7_000, size: 10 });
    await clock.advance(4_999);
    expect(batches).toHaveLength(3);
    await clock.advance(1);
    expect(batches.at(-1)).toEqual({ at: 12_000, size: 2 });
    stop.abort();
    expect(await clock.run(consumer)).toBe('STOPPED');
  });

  it('stop: the in-flight batch finishes, the consumer returns STOPPED with the checkpoint at the last completed record; a restart resumes just after it', async () => {
    const records = streamRecords(100);
    const { store, lease, clock } = await setup();
    const stop = new AbortController();
    const hold = gate();
    const invoked: PipelineRecord[] = [];
    let calls = 0;
    const { deps } = consumerDeps({
      mapping: makeMapping({ batchSize: 10 }),
      reader: createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records }),
      store,
      lease,
      clock,
      invoke: async (batch) => {
        calls += 1;
        if (calls === 3) {
          stop.abort(new Error('shutting down'));
          await hold.promise;
        }
        invoked.push(...batch);
        return success();
      },
    });
    const consumer = runShardConsumer(deps, stop.signal, new AbortController().signal);
    await flush(10);
    expect(calls).toBe(3);
    hold.open();
    expect(await clock.run(consumer)).toBe('STOPPED');
    expect(invoked).toEqual(records.slice(0, 30));
    const checkpoint = await store.getCheckpoint(KEY);
    expect(checkpoint).toBe(records[29]?.sequenceNumber);

    // Restart: a new lease, from AFTER_SEQUENCE_NUMBER the checkpoint.
    await store.releaseLease(lease);
    const lease2 = await store.acquireLease(KEY, 'worker-2');
    const resumed: PipelineRecord[] = [];
    const { deps: deps2 } = consumerDeps({
      mapping: makeMapping({ batchSize: 10 }),
      reader: createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records }),
      store,
      lease: lease2,
      clock,
      start: { kind: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint as string },
      invoke: async (batch) => {
        resumed.push(...batch);
        return success();
      },
    });
    expect(await clock.run(runShardConsumer(deps2, new AbortController().signal, new AbortController().signal))).toBe('SHARD_END');
    expect(resumed).toEqual(records.slice(30));
    expect([...invoked, ...resumed]).toEqual(records);
  });

  it('abort (grace period over) interrupts a batch stuck in retries; nothing past it is checkpointed', async () => {
    const records = streamRecords(20);
    const { store, lease, clock } = await setup();
    const stop = new AbortController();
    const abort = new AbortController();
    const { deps } = consumerDeps({
      mapping: makeMapping({ batchSize: 10 }),
      reader: createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records }),
      store,
      lease,
      clock,
      invoke: async (batch) => (batch.includes(records[10] as PipelineRecord) ? functionError() : success()),
    });
    const consumer = runShardConsumer(deps, stop.signal, abort.signal);
    consumer.catch(() => undefined);
    await clock.sleeping(1);
    stop.abort();
    await flush();
    abort.abort(new Error('grace period over'));
    await expect(consumer).rejects.toThrow('grace period over');
    expect(await store.getCheckpoint(KEY)).toBe(records[9]?.sequenceNumber);
  });

  it('a lost lease stops the consumer promptly with LeaseLost instead of processing the rest of the shard', async () => {
    const records = streamRecords(200);
    const { store, lease, clock } = await setup();
    let calls = 0;
    const { deps } = consumerDeps({
      mapping: makeMapping({ batchSize: 10 }),
      reader: createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records }),
      store,
      lease,
      clock,
      invoke: async () => {
        calls += 1;
        if (calls === 2) await store.acquireLease(KEY, 'worker-2');
        await flush(1);
        return success();
      },
    });
    const consumer = runShardConsumer(deps, new AbortController().signal, new AbortController().signal);
    await expect(clock.run(consumer)).rejects.toMatchObject({ code: 'LeaseLost' });
    expect(calls).toBeLessThanOrEqual(3);
    expect(await store.getCheckpoint(KEY)).toBe(records[9]?.sequenceNumber);
  });

  it('a read error that cannot be retried fails the consumer after in-flight batches finish; retryable ones are retried', async () => {
    const { store, lease, clock } = await setup();
    const reader = createPushShardReader();
    reader.push(streamRecords(5));
    let reads = 0;
    const failingReader = {
      ...reader,
      async getRecords(shardId: string, iterator: string, limit: number, signal: AbortSignal) {
        reads += 1;
        if (reads === 2) throw new SluiceError('Throttled', 'slow down', { retryable: true });
        if (reads === 4) throw new SluiceError('ResourceNotFound', 'stream deleted');
        return reader.getRecords(shardId, iterator, limit, signal);
      },
    };
    const invoked: PipelineRecord[] = [];
    const { deps } = consumerDeps({
      mapping: makeMapping({ batchSize: 10 }),
      reader: failingReader,
      store,
      lease,
      clock,
      invoke: async (batch) => {
        invoked.push(...batch);
        return success();
      },
    });
    await expect(clock.run(runShardConsumer(deps, new AbortController().signal, new AbortController().signal))).rejects.toThrow('stream deleted');
    expect(reads).toBe(4);
    expect(invoked).toHaveLength(5);
    expect(await store.getCheckpoint(KEY)).toBe(sequenceNumber(4));
  });

  it('a batch that finishes after a read fault ends the consumer with the fault, writing no checkpoint past it (no spin on the checkpoint writer)', async () => {
    const { store, lease, clock } = await setup();
    const reader = createPushShardReader();
    reader.push(streamRecords(5));
    const inFlight = gate();
    let reads = 0;
    const failingReader = {
      ...reader,
      async getRecords(shardId: string, iterator: string, limit: number, signal: AbortSignal) {
        reads += 1;
        if (reads === 2) {
          // The batch of the first read is still being invoked: it finishes once the fault is in.
          setImmediate(() => inFlight.open());
          throw new SluiceError('ResourceNotFound', 'stream deleted');
        }
        return reader.getRecords(shardId, iterator, limit, signal);
      },
    };
    let invoked = 0;
    const { deps } = consumerDeps({
      mapping: makeMapping({ batchSize: 10 }),
      reader: failingReader,
      store,
      lease,
      clock,
      invoke: async (batch) => {
        invoked += batch.length;
        await inFlight.promise;
        return success();
      },
    });
    await expect(clock.run(runShardConsumer(deps, new AbortController().signal, new AbortController().signal))).rejects.toThrow('stream deleted');
    expect(invoked).toBe(5);
    // A fault halts checkpointing (a lost lease must not be written past): the next owner processes these again.
    expect(await store.getCheckpoint(KEY)).toBeUndefined();
  });

  it('a checkpoint whose records were trimmed (DynamoDB TrimmedDataAccessException) continues from TRIM_HORIZON instead of retrying for ever', async () => {
    const { store, lease, clock } = await setup();
    const reader = createPushShardReader();
    reader.push(streamRecords(3));
    const positions: string[] = [];
    const trimmingReader = {
      ...reader,
      source: 'dynamodb' as const,
      async getIterator(shardId: string, position: ShardPosition, signal: AbortSignal) {
        positions.push(position.kind);
        if (position.kind === 'AFTER_SEQUENCE_NUMBER') {
          throw toStreamError(Object.assign(new Error('trimmed'), { name: 'TrimmedDataAccessException', $metadata: { httpStatusCode: 400 } }), 'GetShardIterator');
        }
        return reader.getIterator(shardId, position, signal);
      },
    };
    const invoked: PipelineRecord[] = [];
    const { deps } = consumerDeps({
      mapping: makeMapping({ batchSize: 10 }),
      reader: trimmingReader,
      store,
      lease,
      clock,
      start: { kind: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: sequenceNumber(99) },
      invoke: async (batch) => {
        invoked.push(...batch);
        return success();
      },
    });
    const stop = new AbortController();
    const consumer = runShardConsumer(deps, stop.signal, new AbortController().signal);
    await clock.advance(5_000);
    stop.abort();
    await expect(clock.run(consumer)).resolves.toBe('STOPPED');
    expect(positions).toEqual(['AFTER_SEQUENCE_NUMBER', 'TRIM_HORIZON']);
    expect(invoked).toHaveLength(3);
    expect(await store.getCheckpoint(KEY)).toBe(sequenceNumber(2));
  });

  it('an empty closed shard reaches SHARD_END without invoking', async () => {
    const { store, lease, clock } = await setup();
    const reader = createPushShardReader();
    reader.end();
    let calls = 0;
    const { deps } = consumerDeps({
      mapping: makeMapping(),
      reader,
      store,
      lease,
      clock,
      invoke: async () => {
        calls += 1;
        return success();
      },
    });
    expect(await clock.run(runShardConsumer(deps, new AbortController().signal, new AbortController().signal))).toBe('SHARD_END');
    expect(calls).toBe(0);
    expect(await store.getCheckpoint(KEY)).toBe(SHARD_END);
  });
});
