import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ShardPosition, ShardReader, StreamShard } from '../../../pollers/streams/shard-reader.js';
import { runStreamEngine, type StreamEngineDeps } from '../../../pollers/streams/stream-engine.js';
import { createMemoryDestinationSender } from '../../../src/dispatch/destinations.js';
import { FailureReason, type BatchOutcome } from '../../../src/dispatch/invoke-batch.js';
import { SluiceError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import type { PipelineRecord } from '../../../src/records.js';
import { createReplayShardReader } from '../../../src/replay/replay-shard-reader.js';
import { SHARD_END, type CheckpointStore } from '../../../src/state/checkpoint-store.js';
import { createMemoryCheckpointStore } from '../../../src/state/memory-checkpoint-store.js';
import { createFakeClock, flush, type FakeClock } from '../../support/fake-clock.js';
import { makeMapping } from '../../support/mapping.js';
import { STREAM_ARN, streamRecords } from '../../support/records.js';
import { createPushShardReader } from './consumer-harness.js';

const success = (): BatchOutcome => ({ kind: 'success', response: null, requestId: 'r' });

/**
 * A resharded stream: P split into C1 and C2, which were merged into M. The listing is
 * deliberately not in lineage order.
 */
function reshardedReader(): { reader: ShardReader; records: Record<string, PipelineRecord[]>; iterators: { shardId: string; position: ShardPosition }[] } {
  const records = {
    P: streamRecords(30, { from: 0, shardId: 'P', keys: 5 }),
    C1: streamRecords(20, { from: 100, shardId: 'C1', keys: 5 }),
    C2: streamRecords(25, { from: 200, shardId: 'C2', keys: 5 }),
    M: streamRecords(10, { from: 300, shardId: 'M', keys: 5 }),
  };
  const base = createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records: Object.values(records).flat(), maxRecordsPerRead: 7 });
  const iterators: { shardId: string; position: ShardPosition }[] = [];
  const shards: StreamShard[] = [
    { shardId: 'M', parentShardIds: ['C1', 'C2'] },
    { shardId: 'C2', parentShardIds: ['P'] },
    { shardId: 'P', parentShardIds: [] },
    { shardId: 'C1', parentShardIds: ['P'] },
  ];
  return {
    records,
    iterators,
    reader: {
      ...base,
      listShards: async () => shards,
      getIterator: (shardId, position, signal) => {
        iterators.push({ shardId, position });
        return base.getIterator(shardId, position, signal);
      },
    },
  };
}

function engineDeps(options: {
  reader: ShardReader;
  store?: CheckpointStore;
  clock?: FakeClock;
  invoke?: StreamEngineDeps['invoke'];
  log?: string[];
  mapping?: Parameters<typeof makeMapping>[0];
}): StreamEngineDeps {
  const log = options.log ?? [];
  return {
    mapping: makeMapping({ batchSize: 10, ...options.mapping }),
    reader: options.reader,
    store: options.store ?? createMemoryCheckpointStore(),
    filter: () => true,
    invoke:
      options.invoke ??
      (async (records, _signal, shardId) => {
        log.push(`invoke ${shardId} ${records.length}`);
        await flush(1);
        return success();
      }),
    batch: {
      policy: { maximumRetryAttempts: -1, maximumRecordAgeInSeconds: -1, bisectBatchOnFunctionError: false },
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
      sendToDestination: createMemoryDestinationSender().send,
    },
    clock: options.clock ?? createFakeClock(),
    logger: silentLogger,
    onProgress: (shardId, event) => {
      if (event.kind === 'checkpoint' && event.sequenceNumber === SHARD_END) log.push(`end ${shardId}`);
    },
  };
}

const never = (): AbortSignal => new AbortController().signal;

describe('runStreamEngine (KCL: parents before children; kinesis-record-processor-scaling)', () => {
  it('starts children only after every parent reached SHARD_END (split, then merge), reads children from TRIM_HORIZON, and resolves when every shard ended', async () => {
    const { reader, records, iterators } = reshardedReader();
    const log: string[] = [];
    const store = createMemoryCheckpointStore();
    const clock = createFakeClock();
    await clock.run(runStreamEngine(engineDeps({ reader, store, log, clock, mapping: { startingPosition: 'LATEST' } }), never(), never()));

    const first = (prefix: string): number => log.findIndex((l) => l.startsWith(prefix));
    const last = (prefix: string): number => log.map((l) => l.startsWith(prefix)).lastIndexOf(true);
    expect(last('invoke P ')).toBeLessThan(first('end P'));
    expect(first('end P')).toBeLessThan(first('invoke C1 '));
    expect(first('end P')).toBeLessThan(first('invoke C2 '));
    expect(first('end C1')).toBeLessThan(first('invoke M '));
    expect(first('end C2')).toBeLessThan(first('invoke M '));
    for (const shardId of ['P', 'C1', 'C2', 'M']) {
      const count = log.filter((l) => l.startsWith(`invoke ${shardId} `)).reduce((n, l) => n + Number(l.split(' ')[2]), 0);
      expect(count).toBe(records[shardId]?.length);
      expect(log.filter((l) => l === `end ${shardId}`)).toHaveLength(1);
    }
    // The mapping's LATEST applies to the root only; children start at their beginning.
    expect(iterators).toEqual([
      { shardId: 'P', position: { kind: 'LATEST' } },
      { shardId: 'C2', position: { kind: 'TRIM_HORIZON' } },
      { shardId: 'C1', position: { kind: 'TRIM_HORIZON' } },
      { shardId: 'M', position: { kind: 'TRIM_HORIZON' } },
    ]);
    const saved = await store.listCheckpoints('test-mapping', STREAM_ARN);
    expect(Object.fromEntries(saved)).toEqual({ P: SHARD_END, C1: SHARD_END, C2: SHARD_END, M: SHARD_END });
  });

  it('a second run over ended shards starts no consumer and resolves at once', async () => {
    const { reader } = reshardedReader();
    const store = createMemoryCheckpointStore();
    const clock = createFakeClock();
    await clock.run(runStreamEngine(engineDeps({ reader, store, clock }), never(), never()));
    const log: string[] = [];
    await clock.run(runStreamEngine(engineDeps({ reader, store, clock, log }), never(), never()));
    expect(log).toEqual([]);
  });

  it('resumes each shard just after its checkpoint (AFTER_SEQUENCE_NUMBER): nothing lost, nothing repeated', async () => {
    const records = streamRecords(100, { shardId: 'S' });
    const reader = createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records });
    const store = createMemoryCheckpointStore();
    const key = { mapping: 'test-mapping', streamArn: STREAM_ARN, shardId: 'S' };
    const lease = await store.acquireLease(key, 'earlier-run');
    await store.checkpoint(lease, records[41]?.sequenceNumber as string);
    await store.releaseLease(lease);
    const seen: PipelineRecord[] = [];
    const clock = createFakeClock();
    await clock.run(
      runStreamEngine(
        engineDeps({
          reader,
          store,
          clock,
          invoke: async (batch) => {
            seen.push(...batch);
            return success();
          },
        }),
        never(),
        never(),
      ),
    );
    expect(seen).toEqual(records.slice(42));
    expect(await store.getCheckpoint(key)).toBe(SHARD_END);
  });

  it('a consumer that throws surfaces as the engine error, stops the other shards, and never starts the children', async () => {
    const { reader: base } = reshardedReader();
    const reader: ShardReader = {
      ...base,
      getRecords: async (shardId, iterator, limit, signal) => {
        if (shardId === 'P') throw new SluiceError('AccessDenied', 'not allowed to read P');
        return base.getRecords(shardId, iterator, limit, signal);
      },
    };
    const log: string[] = [];
    const clock = createFakeClock();
    await expect(clock.run(runStreamEngine(engineDeps({ reader, clock, log }), never(), never()))).rejects.toThrow('not allowed to read P');
    expect(log).toEqual([]);
  });

  it('a failing shard among live shards stops the others (they drain) and the engine rejects', async () => {
    const healthy = createPushShardReader({ shardId: 'A' });
    healthy.push(streamRecords(5, { shardId: 'A' }));
    const reader: ShardReader = {
      ...healthy,
      listShards: async () => [
        { shardId: 'A', parentShardIds: [] },
        { shardId: 'B', parentShardIds: [] },
      ],
      getIterator: async (shardId, position, signal) => healthy.getIterator(shardId, position, signal),
      getRecords: async (shardId, iterator, limit, signal) => {
        if (shardId === 'B') {
          await flush(5);
          throw new SluiceError('Broken', 'shard B is broken');
        }
        return healthy.getRecords(shardId, iterator, limit, signal);
      },
    };
    const log: string[] = [];
    const clock = createFakeClock();
    await expect(clock.run(runStreamEngine(engineDeps({ reader, clock, log }), never(), never()))).rejects.toThrow('shard B is broken');
    expect(log).toContain('invoke A 5');
  });

  it('a failing shard is reported even while another shard retries a failing batch forever (maximumRetryAttempts -1): that batch stops retrying, unchecked', async () => {
    const poisoned = createPushShardReader({ shardId: 'A' });
    poisoned.push(streamRecords(1, { shardId: 'A' }));
    let readsOfB = 0;
    const reader: ShardReader = {
      ...poisoned,
      listShards: async () => [
        { shardId: 'A', parentShardIds: [] },
        { shardId: 'B', parentShardIds: [] },
      ],
      getIterator: async (shardId, position, signal) => poisoned.getIterator(shardId, position, signal),
      getRecords: async (shardId, iterator, limit, signal) => {
        if (shardId === 'B') {
          readsOfB += 1;
          if (readsOfB === 3) throw new SluiceError('StreamReadFailed', 'shard B: access denied', { retryable: false });
          return { records: [], nextIterator: iterator, millisBehindLatest: 0 };
        }
        return poisoned.getRecords(shardId, iterator, limit, signal);
      },
    };
    let invocations = 0;
    const clock = createFakeClock();
    const store = createMemoryCheckpointStore();
    const engine = runStreamEngine(
      engineDeps({
        reader,
        clock,
        store,
        invoke: async () => {
          invocations += 1;
          return { kind: 'failure', reason: FailureReason.FunctionError, message: 'poison', requestId: 'r', functionError: 'Unhandled' };
        },
      }),
      never(),
      never(),
    );
    await expect(clock.run(engine)).rejects.toThrow('shard B: access denied');
    expect(invocations).toBeGreaterThan(1);
    expect(await store.getCheckpoint({ mapping: 'test-mapping', streamArn: STREAM_ARN, shardId: 'A' })).toBeUndefined();
  });

  it('a lease that cannot be released (its last checkpoints not flushed) is logged as an error, not swallowed', async () => {
    const store = createMemoryCheckpointStore();
    const failingRelease: CheckpointStore = {
      ...store,
      releaseLease: async () => {
        throw new SluiceError('CheckpointWriteFailed', 'cannot flush the checkpoints to disk');
      },
    };
    const lines: { level: number; msg: string; err?: { message?: string } }[] = [];
    const logger = pino({ level: 'info', base: null }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const reader = createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records: streamRecords(3) });
    const clock = createFakeClock();
    await clock.run(runStreamEngine({ ...engineDeps({ reader, store: failingRelease, clock }), logger }, never(), never()));
    const error = lines.find((l) => l.level === 50 && l.msg.startsWith('releasing the lease failed'));
    expect(error?.err?.message).toBe('cannot flush the checkpoints to disk');
  });

  it('a lease that cannot be taken fails the engine instead of hanging it', async () => {
    const { reader } = reshardedReader();
    const store = createMemoryCheckpointStore();
    const broken: CheckpointStore = {
      ...store,
      acquireLease: async () => {
        throw new SluiceError('CheckpointUnreadable', 'state dir is unreadable');
      },
    };
    const clock = createFakeClock();
    await expect(clock.run(runStreamEngine(engineDeps({ reader, store: broken, clock }), never(), never()))).rejects.toThrow('state dir is unreadable');
  });

  it('a live source runs until stop; consumers stop and leases are released', async () => {
    const reader = createPushShardReader({ shardId: 'A' });
    reader.push(streamRecords(25, { shardId: 'A' }));
    const store = createMemoryCheckpointStore();
    const released: string[] = [];
    const spied: CheckpointStore = {
      ...store,
      releaseLease: async (lease) => {
        released.push(lease.key.shardId);
        return store.releaseLease(lease);
      },
    };
    const log: string[] = [];
    const clock = createFakeClock();
    const stop = new AbortController();
    const engine = runStreamEngine(engineDeps({ reader, store: spied, clock, log }), stop.signal, never());
    await clock.advance(5_000);
    expect(log).toEqual(['invoke A 10', 'invoke A 10', 'invoke A 5']);
    stop.abort();
    await clock.run(engine);
    expect(released).toEqual(['A']);
    expect(await store.getCheckpoint({ mapping: 'test-mapping', streamArn: STREAM_ARN, shardId: 'A' })).toBe(streamRecords(25, { shardId: 'A' })[24]?.sequenceNumber);
  });
});
