import { describe, expect, it } from 'vitest';
import type { InvocationReport } from '../../src/dispatch/invoke-batch.js';
import { SluiceError } from '../../src/errors.js';
import type { Invoker } from '../../src/invokers/invoker.js';
import { silentLogger } from '../../src/log.js';
import { instrumentContext, labelsOf } from '../../src/ops/instrument-context.js';
import { createSluiceMetrics, describeDestinationDocument } from '../../src/ops/metrics.js';
import { createMappingStats, shardCounts } from '../../src/runtime/mapping-stats.js';
import { defaultReplaySettings, type RuntimeContext } from '../../src/runtime/runtime-context.js';
import { createMemoryCheckpointStore } from '../../src/state/memory-checkpoint-store.js';
import { systemClock } from '../../src/clock.js';
import { makeMapping } from '../support/mapping.js';
import { opsConfig } from './support.js';

const labels = { mapping: 'm', function: 'fn', source: 'kinesis' };
const series = 'mapping="m",function="fn",source="kinesis"';

function report(outcome: InvocationReport['outcome'], records = 3, shardId?: string): InvocationReport {
  return {
    mapping: 'm',
    ...(shardId === undefined ? {} : { shardId }),
    event: {},
    records: Array.from({ length: records }, () => ({}) as InvocationReport['records'][number]),
    outcome,
    durationMs: 120,
  };
}

describe('createSluiceMetrics', () => {
  it.each([
    ['success', { kind: 'success', response: null, requestId: 'r' }, 0],
    ['function error', { kind: 'failure', reason: 'FunctionError', message: 'boom', requestId: 'r' }, 1],
    ['invalid batch response', { kind: 'failure', reason: 'InvalidResponse', message: 'bad', requestId: 'r' }, 1],
    ['invoker unreachable (not a function error)', { kind: 'failure', reason: 'InvokerError', message: 'down', requestId: 'r' }, 0],
  ] as const)('%s: counts the invocation, its duration and batch size; function errors %i', async (_, outcome, errors) => {
    const metrics = createSluiceMetrics();
    metrics.invocation(labels, report(outcome, 3, 'shardId-1'));
    const { body, contentType } = await metrics.scrape();
    expect(contentType).toMatch(/^text\/plain/);
    expect(body).toContain(`sluice_invocations_total{${series},shard="shardId-1"} 1`);
    expect(body).toContain(`sluice_batch_size_sum{${series},shard="shardId-1"} 3`);
    expect(body).toContain(`sluice_invocation_duration_seconds_sum{${series},shard="shardId-1"} 0.12`);
    if (errors > 0) expect(body).toContain(`sluice_function_errors_total{${series},shard="shardId-1"} ${errors}`);
    else expect(body).not.toContain('sluice_function_errors_total{');
  });

  it('keeps one registry per instance (two instances never share series)', async () => {
    const one = createSluiceMetrics();
    const two = createSluiceMetrics();
    one.invocation(labels, report({ kind: 'success', response: null, requestId: 'r' }));
    expect((await two.scrape()).body).not.toContain('sluice_invocations_total{');
  });

  it('counts filtered and received records from the stats by difference, and sets the lag', async () => {
    const metrics = createSluiceMetrics();
    const stats = createMappingStats();
    Object.assign(stats, { records: 10, filtered: 4, processed: 2 });
    metrics.sync([{ labels, stats }]);
    Object.assign(stats, { records: 12, filtered: 5 });
    metrics.sync([{ labels, stats }]);
    const restarted = createMappingStats();
    Object.assign(restarted, { records: 1, filtered: 1, processed: 0 });
    metrics.sync([{ labels, stats: restarted }]);
    const { body } = await metrics.scrape();
    expect(body).toContain(`sluice_records_filtered_total{${series},shard=""} 6`);
    expect(body).toContain(`sluice_records_received_total{${series},shard=""} 13`);
    expect(body).toContain(`sluice_offset_lag_records{${series},shard=""} 0`);
  });

  it('stream mappings: records received and filtered out per shard, by difference', async () => {
    const metrics = createSluiceMetrics();
    const stats = createMappingStats();
    Object.assign(shardCounts(stats, 'shardId-1'), { read: 10, filtered: 2 });
    metrics.sync([{ labels, stats }]);
    Object.assign(shardCounts(stats, 'shardId-1'), { read: 15, filtered: 2 });
    Object.assign(shardCounts(stats, 'shardId-2'), { read: 4, filtered: 4 });
    metrics.sync([{ labels, stats }]);
    const { body } = await metrics.scrape();
    expect(body).toContain(`sluice_records_received_total{${series},shard="shardId-1"} 15`);
    expect(body).toContain(`sluice_records_received_total{${series},shard="shardId-2"} 4`);
    expect(body).toContain(`sluice_records_filtered_total{${series},shard="shardId-1"} 2`);
    expect(body).toContain(`sluice_records_filtered_total{${series},shard="shardId-2"} 4`);
    expect(body).not.toContain(`sluice_records_received_total{${series},shard=""}`);
  });

  it('stream mappings: the offset lag per shard (read and not finished), no mapping-wide series to double count', async () => {
    const metrics = createSluiceMetrics();
    const stats = createMappingStats();
    metrics.sync([{ labels, stats }]);
    expect((await metrics.scrape()).body).toContain(`sluice_offset_lag_records{${series},shard=""} 0`);
    shardCounts(stats, 'shardId-1').read = 10;
    shardCounts(stats, 'shardId-1').finished = 4;
    shardCounts(stats, 'shardId-2').read = 3;
    metrics.sync([{ labels, stats }]);
    const { body } = await metrics.scrape();
    expect(body).toContain(`sluice_offset_lag_records{${series},shard="shardId-1"} 6`);
    expect(body).toContain(`sluice_offset_lag_records{${series},shard="shardId-2"} 3`);
    expect(body).not.toContain(`sluice_offset_lag_records{${series},shard=""}`);
  });

  it('SQS mappings: messages in flight, the age of the oldest message (seconds) and the receive loops, read at scrape time', async () => {
    const metrics = createSluiceMetrics();
    const sqs = { mapping: 'q', function: 'fn', source: 'sqs' };
    const series = 'mapping="q",function="fn",source="sqs"';
    const stats = createMappingStats();
    let inFlight = 7;
    stats.queue = {
      get inFlight() {
        return inFlight;
      },
      ageOfOldestMessageMs: () => inFlight * 1_000 + 500,
    };
    stats.receiveLoops = { active: 4 };
    metrics.sync([{ labels: sqs, stats }]);
    let body = (await metrics.scrape()).body;
    expect(body).toContain(`sluice_sqs_messages_in_flight{${series}} 7`);
    expect(body).toContain(`sluice_sqs_approximate_age_of_oldest_message_seconds{${series}} 7.5`);
    expect(body).toContain(`sluice_sqs_receive_loops{${series}} 4`);
    expect(body).toMatch(/# TYPE sluice_sqs_messages_in_flight gauge/);
    inFlight = 0;
    // The consumer stopped: no loop runs.
    stats.receiveLoops = undefined;
    metrics.sync([{ labels: sqs, stats }]);
    body = (await metrics.scrape()).body;
    expect(body).toContain(`sluice_sqs_messages_in_flight{${series}} 0`);
    expect(body).toContain(`sluice_sqs_approximate_age_of_oldest_message_seconds{${series}} 0.5`);
    expect(body).toContain(`sluice_sqs_receive_loops{${series}} 0`);
  });

  it('drops the gauges of a mapping no longer running (removed by a reload) or now under another function', async () => {
    const metrics = createSluiceMetrics();
    const stats = createMappingStats();
    stats.queue = { inFlight: 1, ageOfOldestMessageMs: () => 0 };
    shardCounts(stats, 'shardId-1').read = 2;
    metrics.shardProgress(labels, 'shardId-1', { millisBehindLatest: 10 });
    metrics.sync([{ labels, stats }]);
    let body = (await metrics.scrape()).body;
    expect(body).toContain(`sluice_sqs_messages_in_flight{${series}} 1`);
    const moved = { ...labels, function: 'other' };
    metrics.sync([{ labels: moved, stats }]);
    body = (await metrics.scrape()).body;
    const gauges = [
      'sluice_offset_lag_records',
      'sluice_stream_iterator_age_milliseconds',
      'sluice_sqs_messages_in_flight',
      'sluice_sqs_approximate_age_of_oldest_message_seconds',
      'sluice_sqs_receive_loops',
    ];
    for (const gauge of gauges) expect(body).not.toContain(`${gauge}{${series}`);
    expect(body).toContain(`sluice_records_received_total{${series},shard="shardId-1"} 2`); // counters stay
    expect(body).toContain('sluice_offset_lag_records{mapping="m",function="other",source="kinesis",shard="shardId-1"} 2');
    metrics.sync([]);
    body = (await metrics.scrape()).body;
    for (const gauge of gauges) expect(body).not.toContain(`${gauge}{`);
  });

  it('sets the iterator age per shard', async () => {
    const metrics = createSluiceMetrics();
    metrics.shardProgress(labels, 'shardId-7', { millisBehindLatest: 1500 });
    metrics.shardProgress(labels, 'shardId-7', {});
    expect((await metrics.scrape()).body).toContain(`sluice_stream_iterator_age_milliseconds{${series},shard="shardId-7"} 1500`);
  });

  it.each([
    [{ KinesisBatchInfo: { batchSize: 7, shardId: 'shardId-1' } }, 7, 'shardId-1'],
    [{ DDBStreamBatchInfo: { batchSize: 2, shardId: 'shardId-2' } }, 2, 'shardId-2'],
    [{ KinesisBatchInfo: { batchSize: 3 } }, 3, ''],
    [{ requestPayload: {} }, 1, ''],
    ['x', 1, ''],
  ])('destination document %j holds %i records of shard "%s"', (doc, records, shard) => {
    expect(describeDestinationDocument(doc)).toEqual({ records, shard });
  });
});

describe('instrumentContext', () => {
  it('counts throttles, destination sends and invocations, and reports checkpoints', async () => {
    const metrics = createSluiceMetrics();
    const throttling: Invoker = {
      invoke: async () => {
        throw new SluiceError('Throttled', 'slow down', { retryable: true });
      },
      close: async () => undefined,
    };
    const sent: unknown[] = [];
    const mapping = makeMapping({ name: 'm', function: 'fn' });
    const ctx: RuntimeContext = {
      config: opsConfig('/tmp', [mapping]),
      logger: silentLogger,
      clock: systemClock,
      invokers: new Map([['fn', throttling]]),
      sendToDestination: async (_d, doc) => {
        sent.push(doc);
      },
      checkpoints: createMemoryCheckpointStore(),
      replay: defaultReplaySettings,
      metrics,
    };
    const seen: [string, string][] = [];
    const instrumented = instrumentContext(ctx, mapping, (shard, value) => seen.push([shard, value]));
    await expect(instrumented.invokers.get('fn')?.invoke({})).rejects.toThrow('slow down');
    await instrumented.sendToDestination('arn:aws:sqs:us-east-1:000000000000:dlq', { KinesisBatchInfo: { batchSize: 4, shardId: 'shardId-1' } });
    instrumented.observe?.(report({ kind: 'success', response: null, requestId: 'r' }));
    const key = { mapping: 'm', streamArn: 'arn', shardId: 'shardId-1' };
    const lease = await instrumented.checkpoints.acquireLease(key, 'me');
    await instrumented.checkpoints.checkpoint(lease, '42');
    const { body } = await metrics.scrape();
    expect(body).toContain(`sluice_throttles_total{${series}} 1`);
    expect(body).toContain(`sluice_records_sent_to_destination_total{${series},shard="shardId-1"} 4`);
    expect(body).toContain(`sluice_invocations_total{${series},shard=""} 1`);
    expect(sent).toHaveLength(1);
    expect(seen).toEqual([['shardId-1', '42']]);
    expect(labelsOf(mapping)).toEqual(labels);
  });
});
