import { describe, expect, it } from 'vitest';
import { runShardConsumer } from '../../../pollers/streams/shard-consumer.js';
import { responseState, windowEventFields, windowOf, type EventExtra } from '../../../pollers/streams/tumbling-window.js';
import { FailureReason, type BatchOutcome } from '../../../src/dispatch/invoke-batch.js';
import type { PipelineRecord } from '../../../src/records.js';
import { createReplayShardReader } from '../../../src/replay/replay-shard-reader.js';
import { SHARD_END } from '../../../src/state/checkpoint-store.js';
import { createMemoryCheckpointStore } from '../../../src/state/memory-checkpoint-store.js';
import { createFakeClock, flush } from '../../support/fake-clock.js';
import { makeMapping } from '../../support/mapping.js';
import { BASE_TIME, SHARD_ID, STREAM_ARN, sequenceNumber, streamRecord } from '../../support/records.js';
import { consumerDeps, createPushShardReader } from './consumer-harness.js';

const KEY = { mapping: 'test-mapping', streamArn: STREAM_ARN, shardId: SHARD_ID };

interface Call {
  readonly records: readonly PipelineRecord[];
  readonly extra: EventExtra;
}

/** A handler counting records per window in its state, as AWS's example does. */
function counting(calls: Call[], answer: (call: Call) => unknown = (call) => ({ state: { count: Number((call.extra['state'] as { count?: number }).count ?? 0) + call.records.length } })) {
  return async (records: readonly PipelineRecord[], _signal: AbortSignal, extra?: EventExtra): Promise<BatchOutcome> => {
    const call = { records, extra: extra ?? {} };
    calls.push(call);
    return { kind: 'success', response: answer(call), requestId: `r${calls.length}` };
  };
}

async function setup() {
  const store = createMemoryCheckpointStore();
  const lease = await store.acquireLease(KEY, 'worker-1');
  return { store, lease, clock: createFakeClock(BASE_TIME) };
}

/** 15 records 10 s apart from BASE_TIME (a whole minute): windows of 60 s hold records 0-5, 6-11, 12-14. */
const spaced = (count: number): PipelineRecord[] => Array.from({ length: count }, (_, i) => streamRecord({ index: i, key: `k${i % 3}`, arrivalTime: BASE_TIME + i * 10_000 }));

describe('tumbling windows (services-kinesis-windows)', () => {
  it.each([
    { arrival: BASE_TIME, seconds: 60, start: BASE_TIME, end: BASE_TIME + 60_000 },
    { arrival: BASE_TIME + 59_999, seconds: 60, start: BASE_TIME, end: BASE_TIME + 60_000 },
    { arrival: BASE_TIME + 60_000, seconds: 60, start: BASE_TIME + 60_000, end: BASE_TIME + 120_000 },
    { arrival: BASE_TIME + 1, seconds: 900, start: BASE_TIME, end: BASE_TIME + 900_000 },
  ])('windowOf($arrival, $seconds) is [$start, $end)', ({ arrival, seconds, start, end }) => {
    expect(windowOf(arrival, seconds)).toEqual({ start, end });
  });

  it.each([
    { response: { state: { a: 1 } }, state: { a: 1 } },
    { response: { state: {} }, state: {} },
    { response: { batchItemFailures: [] }, state: undefined },
    { response: null, state: undefined },
    { response: { state: [1] }, state: undefined },
    { response: { state: 'x' }, state: undefined },
  ])('responseState($response) is $state (no state: a failed invocation)', ({ response, state }) => {
    expect(responseState(response)).toEqual(state);
  });

  it('event fields as Lambda sends them: window in ISO seconds, state, shardId, eventSourceARN, final and early flags', () => {
    expect(windowEventFields({ start: BASE_TIME, end: BASE_TIME + 300_000 }, { n: 1 }, SHARD_ID, STREAM_ARN, false, false)).toEqual({
      window: { start: '2026-01-15T09:00:00Z', end: '2026-01-15T09:05:00Z' },
      state: { n: 1 },
      shardId: SHARD_ID,
      eventSourceARN: STREAM_ARN,
      isFinalInvokeForWindow: false,
      isWindowTerminatedEarly: false,
    });
  });

  it('batches never span windows, state is carried, a final invocation closes each window, shard end terminates the last early, checkpoints only after final invocations', async () => {
    const { store, lease, clock } = await setup();
    const calls: Call[] = [];
    const records = spaced(15);
    const { deps, checkpoints } = consumerDeps({
      mapping: makeMapping({ batchSize: 4, tumblingWindowInSeconds: 60, parallelizationFactor: 10 }),
      reader: createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records, maxRecordsPerRead: 1_000 }),
      store,
      lease,
      clock,
      invoke: async () => ({ kind: 'success', response: null, requestId: 'unused' }),
    });
    const result = await clock.run(runShardConsumer({ ...deps, invoke: counting(calls) }, new AbortController().signal, new AbortController().signal));
    expect(result).toBe('SHARD_END');

    const summary = calls.map((c) => ({
      records: c.records.map((r) => Number(r.sequenceNumber)),
      start: (c.extra['window'] as { start: string }).start,
      state: c.extra['state'],
      final: c.extra['isFinalInvokeForWindow'],
      early: c.extra['isWindowTerminatedEarly'],
    }));
    const n = (i: number): number => Number(sequenceNumber(i));
    expect(summary).toEqual([
      { records: [0, 1, 2, 3].map(n), start: '2026-01-15T09:00:00Z', state: {}, final: false, early: false },
      { records: [4, 5].map(n), start: '2026-01-15T09:00:00Z', state: { count: 4 }, final: false, early: false },
      { records: [], start: '2026-01-15T09:00:00Z', state: { count: 6 }, final: true, early: false },
      { records: [6, 7, 8, 9].map(n), start: '2026-01-15T09:01:00Z', state: {}, final: false, early: false },
      { records: [10, 11].map(n), start: '2026-01-15T09:01:00Z', state: { count: 4 }, final: false, early: false },
      { records: [], start: '2026-01-15T09:01:00Z', state: { count: 6 }, final: true, early: false },
      { records: [12, 13, 14].map(n), start: '2026-01-15T09:02:00Z', state: {}, final: false, early: false },
      { records: [], start: '2026-01-15T09:02:00Z', state: { count: 3 }, final: true, early: true },
    ]);
    expect(calls.every((c) => c.extra['shardId'] === SHARD_ID && c.extra['eventSourceARN'] === STREAM_ARN)).toBe(true);
    expect(checkpoints()).toEqual([sequenceNumber(5), sequenceNumber(11), sequenceNumber(14), SHARD_END].filter((v, i, all) => all.indexOf(v) === i));
  });

  it('a window closes when its end passes on the clock; until the final invocation succeeds the checkpoint does not move', async () => {
    const { store, lease, clock } = await setup();
    const calls: Call[] = [];
    const reader = createPushShardReader({ pollIntervalMs: 1_000 });
    const { deps, checkpoints } = consumerDeps({
      mapping: makeMapping({ batchSize: 100, tumblingWindowInSeconds: 30 }),
      reader,
      store,
      lease,
      clock,
      invoke: async () => ({ kind: 'success', response: null, requestId: 'unused' }),
    });
    const stop = new AbortController();
    const running = runShardConsumer({ ...deps, invoke: counting(calls) }, stop.signal, new AbortController().signal);
    reader.push([0, 1, 2].map((i) => streamRecord({ index: i, arrivalTime: BASE_TIME + i * 1_000 })));
    await clock.advance(1_000);
    await flush(10);
    expect(calls.map((c) => c.records.length)).toEqual([3]);
    await clock.advance(20_000);
    await flush(10);
    expect(calls).toHaveLength(1);
    expect(checkpoints()).toEqual([]);
    await clock.advance(10_000); // past the window's end (BASE_TIME + 30 s)
    await flush(10);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.extra).toMatchObject({ isFinalInvokeForWindow: true, isWindowTerminatedEarly: false, state: { count: 3 }, window: { end: '2026-01-15T09:00:30Z' } });
    await flush(10);
    expect(checkpoints()).toEqual([sequenceNumber(2)]);
    stop.abort();
    await clock.run(running);
  });

  it('a response without state is a failed invocation: retried with the same state, then given up after maximumRetryAttempts', async () => {
    const { store, lease, clock } = await setup();
    const calls: Call[] = [];
    const { deps, sent } = consumerDeps({
      mapping: makeMapping({ batchSize: 10, tumblingWindowInSeconds: 60, maximumRetryAttempts: 1 }),
      reader: createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records: spaced(3), maxRecordsPerRead: 1_000 }),
      store,
      lease,
      clock,
      invoke: async () => ({ kind: 'success', response: null, requestId: 'unused' }),
      retryDelayMs: () => 10,
    });
    const handler = counting(calls, (call) => (call.extra['isFinalInvokeForWindow'] === true ? { state: call.extra['state'] } : { batchItemFailures: [] }));
    const result = await clock.run(runShardConsumer({ ...deps, invoke: handler }, new AbortController().signal, new AbortController().signal));
    expect(result).toBe('SHARD_END');
    expect(calls.map((c) => [c.records.length, c.extra['state'], c.extra['isFinalInvokeForWindow']])).toEqual([
      [3, {}, false],
      [3, {}, false],
      [0, {}, true],
    ]);
    expect(sent).toHaveLength(0);
  });

  it('the final invocation retries errors from before the function ran without counting them: the window is not given up while the environment restarts', async () => {
    const { store, lease, clock } = await setup();
    const reader = createPushShardReader({ pollIntervalMs: 1_000 });
    let unreachable = 0;
    const finals: string[] = [];
    const invoke = async (records: readonly PipelineRecord[], _signal: AbortSignal, extra?: EventExtra): Promise<BatchOutcome> => {
      const final = extra?.['isFinalInvokeForWindow'] === true;
      if (final && unreachable > 0) {
        unreachable -= 1;
        finals.push('InvokerError');
        return { kind: 'failure', reason: FailureReason.InvokerError, message: 'ECONNREFUSED', requestId: 'x' };
      }
      if (final) finals.push(`ran with ${JSON.stringify(extra?.['state'])}`);
      return { kind: 'success', response: { state: { seen: records.length } }, requestId: 'r' };
    };
    const { deps, checkpoints, sent } = consumerDeps({
      mapping: makeMapping({ batchSize: 100, tumblingWindowInSeconds: 30, maximumRetryAttempts: 2 }),
      reader,
      store,
      lease,
      clock,
      invoke,
      retryDelayMs: () => 100,
    });
    const stop = new AbortController();
    const running = runShardConsumer(deps, stop.signal, new AbortController().signal);
    reader.push([0, 1, 2].map((i) => streamRecord({ index: i, arrivalTime: BASE_TIME + i * 1_000 })));
    await clock.advance(1_000);
    // The environment is unreachable for the window's first five final attempts: more than maximumRetryAttempts.
    unreachable = 5;
    await clock.advance(40_000);
    expect(finals).toEqual(['InvokerError', 'InvokerError', 'InvokerError', 'InvokerError', 'InvokerError', 'ran with {"seen":3}']);
    expect(checkpoints()).toEqual([sequenceNumber(2)]);
    expect(sent).toHaveLength(0);
    stop.abort();
    await clock.run(running);
  });
});

