import { Gauge, type Registry } from 'prom-client';
import { lagOf, type MappingStats } from '../runtime/mapping-stats.js';

/** The labels every per-mapping series carries. */
export interface MappingLabels {
  readonly mapping: string;
  readonly function: string;
  /** The source type: `sqs`, `kinesis`, `dynamodb`, `s3`, `sns`, `schedule`. */
  readonly source: string;
}

/** One running mapping, as a scrape sees it. */
export interface MappingSample {
  readonly labels: MappingLabels;
  readonly stats: MappingStats;
}

export const MAPPING_LABELS = ['mapping', 'function', 'source'] as const;
export const SHARD_LABELS = [...MAPPING_LABELS, 'shard'] as const;

type Labels = Record<(typeof MAPPING_LABELS)[number], string>;
type ShardLabels = Labels & { readonly shard: string };

/**
 * The gauges that describe a mapping now (rather than count what happened): iterator age and
 * offset lag per shard, SQS messages in flight and age of the oldest message. A gauge of a
 * mapping that is gone (removed by a reload, or renamed to another function) is removed from
 * the exposition, so no stale value outlives its mapping.
 */
export interface MappingGauges {
  /** A stream shard's read: `MillisBehindLatest` becomes the iterator age. */
  iteratorAge(labels: MappingLabels, shard: string, millisBehindLatest: number): void;
  /** Sets every listed mapping's gauges from its stats and removes those of mappings not listed. */
  sync(mappings: readonly MappingSample[]): void;
}

/** The series one mapping exports, so they can be removed with it. */
interface Exported {
  labels: Labels;
  readonly iteratorShards: Set<string>;
  lagShards: Set<string>;
  sqs: boolean;
}

export function createMappingGauges(registry: Registry): MappingGauges {
  const iteratorAge = new Gauge({
    name: 'sluice_stream_iterator_age_milliseconds',
    help: "Stream shards: MillisBehindLatest of the last read (Lambda's IteratorAge).",
    labelNames: SHARD_LABELS,
    registers: [registry],
  });
  const offsetLag = new Gauge({
    name: 'sluice_offset_lag_records',
    help: 'Records read from the source and not yet finished (processed, filtered out, given up or handed back to the queue); per shard for streams.',
    labelNames: SHARD_LABELS,
    registers: [registry],
  });
  const sqsInFlight = new Gauge({
    name: 'sluice_sqs_messages_in_flight',
    help: "SQS: messages the mapping received and has not yet deleted or handed back (its share of the queue's ApproximateNumberOfMessagesNotVisible).",
    labelNames: MAPPING_LABELS,
    registers: [registry],
  });
  const sqsAge = new Gauge({
    name: 'sluice_sqs_approximate_age_of_oldest_message_seconds',
    help: 'SQS: age of the oldest message the mapping holds, else of the oldest one its last receive returned (0 after an empty receive): CloudWatch ApproximateAgeOfOldestMessage as the mapping sees it.',
    labelNames: MAPPING_LABELS,
    registers: [registry],
  });
  const sqsReceiveLoops = new Gauge({
    name: 'sluice_sqs_receive_loops',
    help: 'SQS: receive loops running now, each with one batch in flight at most (the concurrency the mapping has scaled to).',
    labelNames: MAPPING_LABELS,
    registers: [registry],
  });
  const exported = new Map<string, Exported>();

  const entry = (labels: MappingLabels): Exported => {
    const key = keyOf(labels);
    const current = exported.get(labels.mapping);
    if (current && sameLabels(current.labels, key)) return current;
    if (current) remove(current);
    const fresh: Exported = { labels: key, iteratorShards: new Set(), lagShards: new Set(), sqs: false };
    exported.set(labels.mapping, fresh);
    return fresh;
  };
  const remove = (e: Exported): void => {
    for (const shard of e.iteratorShards) iteratorAge.remove(withShard(e.labels, shard));
    for (const shard of e.lagShards) offsetLag.remove(withShard(e.labels, shard));
    if (e.sqs) {
      sqsInFlight.remove(e.labels);
      sqsAge.remove(e.labels);
      sqsReceiveLoops.remove(e.labels);
    }
  };

  return {
    iteratorAge(labels, shard, millisBehindLatest) {
      const e = entry(labels);
      e.iteratorShards.add(shard);
      iteratorAge.set(withShard(e.labels, shard), millisBehindLatest);
    },
    sync(mappings) {
      const listed = new Set<string>();
      for (const { labels, stats } of mappings) {
        listed.add(labels.mapping);
        const e = entry(labels);
        // Streams: one series per shard (sum them for the mapping); other sources: one with shard "".
        const lags = stats.shards.size > 0 ? [...stats.shards].map(([shard, c]) => [shard, Math.max(0, c.read - c.finished)] as const) : [['', lagOf(stats)] as const];
        const shards = new Set<string>();
        for (const [shard, lag] of lags) {
          shards.add(shard);
          offsetLag.set(withShard(e.labels, shard), lag);
        }
        for (const shard of e.lagShards) if (!shards.has(shard)) offsetLag.remove(withShard(e.labels, shard));
        e.lagShards = shards;
        if (stats.queue) {
          e.sqs = true;
          sqsInFlight.set(e.labels, stats.queue.inFlight);
          sqsAge.set(e.labels, stats.queue.ageOfOldestMessageMs() / 1000);
          sqsReceiveLoops.set(e.labels, stats.receiveLoops?.active ?? 0);
        }
      }
      for (const [name, e] of exported) {
        if (listed.has(name)) continue;
        remove(e);
        exported.delete(name);
      }
    },
  };
}

/** Exactly the three mapping labels (a `MappingLabels` may carry more properties). */
export function keyOf(labels: MappingLabels): Labels {
  return { mapping: labels.mapping, function: labels.function, source: labels.source };
}

function sameLabels(a: Labels, b: Labels): boolean {
  return a.mapping === b.mapping && a.function === b.function && a.source === b.source;
}

function withShard(labels: Labels, shard: string): ShardLabels {
  return { ...labels, shard };
}
