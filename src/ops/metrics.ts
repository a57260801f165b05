import { Counter, Histogram, Registry } from 'prom-client';
import type { InvocationReport } from '../dispatch/invoke-batch.js';
import { createMappingGauges, keyOf, MAPPING_LABELS as MAPPING, SHARD_LABELS as SHARD, type MappingLabels, type MappingSample } from './mapping-gauges.js';

export type { MappingLabels, MappingSample } from './mapping-gauges.js';

/** A stream shard's progress, as the shard consumer reports it. */
export interface ShardProgressSample {
  readonly millisBehindLatest?: number;
}

/**
 * sluice's Prometheus metrics: one `Registry` per sluice instance (never prom-client's global
 * one), so two instances in one process (tests, embedders) never mix their series.
 * Names follow Prometheus conventions (`_total` counters, base units in the name).
 */
export interface SluiceMetrics {
  readonly registry: Registry;
  /** One invocation of a batch (or of an asynchronous event). */
  invocation(labels: MappingLabels, report: InvocationReport): void;
  /** The invoker answered `Throttled` (HTTP 429, Lambda's TooManyRequestsException). */
  throttle(labels: MappingLabels): void;
  /** Records handed to the on-failure destination (`shard` "" for SQS and push mappings). */
  sentToDestination(labels: MappingLabels, records: number, shard: string): void;
  /** A stream shard's read: `MillisBehindLatest` becomes the iterator age. */
  shardProgress(labels: MappingLabels, shard: string, sample: ShardProgressSample): void;
  /**
   * Brings what the pipeline keeps in `MappingStats` (records received and filtered out, offset
   * lag, SQS messages held) up to date from the mappings running now, just before a scrape;
   * the gauges of mappings no longer listed (removed by a reload) are dropped.
   */
  sync(mappings: readonly MappingSample[]): void;
  /** The exposition text and its content type. */
  scrape(): Promise<{ readonly contentType: string; readonly body: string }>;
}

/** Creates the metrics of one sluice instance. */
export function createSluiceMetrics(): SluiceMetrics {
  const registry = new Registry();
  const invocations = new Counter({ name: 'sluice_invocations_total', help: 'Function invocations (batches and asynchronous events).', labelNames: SHARD, registers: [registry] });
  const functionErrors = new Counter({
    name: 'sluice_function_errors_total',
    help: 'Invocations that returned a function error (handled or unhandled) or an invalid batch response.',
    labelNames: SHARD,
    registers: [registry],
  });
  const throttles = new Counter({ name: 'sluice_throttles_total', help: 'Invocations the invoker throttled.', labelNames: MAPPING, registers: [registry] });
  const duration = new Histogram({
    name: 'sluice_invocation_duration_seconds',
    help: 'Time from sending a batch to the invoker to its answer.',
    labelNames: SHARD,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'sluice_batch_size',
    help: 'Records per invocation.',
    labelNames: SHARD,
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000],
    registers: [registry],
  });
  const filtered = new Counter({ name: 'sluice_records_filtered_total', help: 'Records dropped by the filter criteria.', labelNames: SHARD, registers: [registry] });
  const sent = new Counter({
    name: 'sluice_records_sent_to_destination_total',
    help: 'Records (or asynchronous events) sent to the on-failure destination.',
    labelNames: SHARD,
    registers: [registry],
  });
  const records = new Counter({ name: 'sluice_records_received_total', help: 'Records read from the source.', labelNames: SHARD, registers: [registry] });
  const gauges = createMappingGauges(registry);
  // Stats are per running handle (a restart starts from zero): counters grow by the difference.
  const seen = new WeakMap<object, { filtered: number; read: number }>();
  const countSince = (counts: object, labels: Record<string, string>, now: { filtered: number; read: number }): void => {
    const before = seen.get(counts) ?? { filtered: 0, read: 0 };
    if (now.filtered > before.filtered) filtered.inc(labels, now.filtered - before.filtered);
    if (now.read > before.read) records.inc(labels, now.read - before.read);
    seen.set(counts, { ...now });
  };

  return {
    registry,
    invocation(labels, report) {
      const shardLabels = { ...keyOf(labels), shard: report.shardId ?? '' };
      invocations.inc(shardLabels);
      const failed = report.outcome.kind === 'failure' && report.outcome.reason !== 'InvokerError' && report.outcome.reason !== 'PayloadTooLarge';
      if (failed) functionErrors.inc(shardLabels);
      duration.observe(shardLabels, report.durationMs / 1000);
      batchSize.observe(shardLabels, recordsInvoked(report));
    },
    throttle(labels) {
      throttles.inc(keyOf(labels));
    },
    sentToDestination(labels, count, shard) {
      sent.inc({ ...keyOf(labels), shard }, count);
    },
    shardProgress(labels, shard, sample) {
      if (sample.millisBehindLatest !== undefined) gauges.iteratorAge(labels, shard, sample.millisBehindLatest);
    },
    sync(mappings) {
      for (const { labels, stats } of mappings) {
        // Streams count per shard (every record they read comes from one); other sources with shard "".
        if (stats.shards.size === 0) countSince(stats, { ...keyOf(labels), shard: '' }, { filtered: stats.filtered, read: stats.records });
        for (const [shard, counts] of stats.shards) countSince(counts, { ...keyOf(labels), shard }, counts);
      }
      gauges.sync(mappings);
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/**
 * Records an invocation carried: a batch's records; for an asynchronous event (S3, SNS,
 * schedule), the records in its `Records`, or 1 for an event without them.
 */
export function recordsInvoked(report: InvocationReport): number {
  if (report.records.length > 0) return report.records.length;
  const records = typeof report.event === 'object' && report.event !== null ? (report.event as { Records?: unknown }).Records : undefined;
  return Array.isArray(records) ? records.length : 1;
}

/** What an on-failure destination document holds: the batch info's size and shard, else one asynchronous event. */
export function describeDestinationDocument(document: unknown): { readonly records: number; readonly shard: string } {
  if (typeof document !== 'object' || document === null) return { records: 1, shard: '' };
  const doc = document as Record<string, unknown>;
  for (const key of ['KinesisBatchInfo', 'DDBStreamBatchInfo']) {
    const info = doc[key];
    if (typeof info === 'object' && info !== null) {
      const { batchSize, shardId } = info as { batchSize?: unknown; shardId?: unknown };
      if (typeof batchSize === 'number') return { records: batchSize, shard: typeof shardId === 'string' ? shardId : '' };
    }
  }
  return { records: 1, shard: '' };
}
