import type { Mapping } from '../config/types.js';
import { lagOf } from '../runtime/mapping-stats.js';
import type { MappingHandle, MappingState } from '../runtime/start-mappings.js';

/** One mapping as `GET /mappings` and `sluice status` show it, in AWS's words where AWS has them. */
export interface MappingStatus {
  readonly name: string;
  readonly function: string;
  /** `sqs:orders`, `kinesis:clicks`, ... */
  readonly source: string;
  readonly state: MappingState;
  /** What the mapping waits for (its queue or stream does not exist yet). */
  readonly waiting?: string;
  readonly lastProcessingResult: string;
  readonly lastError?: string;
  readonly records: number;
  readonly invocations: number;
  readonly functionErrors: number;
  readonly processed: number;
  readonly filtered: number;
  readonly discarded: number;
  /** Records read and not yet finished. */
  readonly lag: number;
  /** Stream mappings: checkpoint per shard. */
  readonly positions: Readonly<Record<string, string>>;
}

/** The status of one mapping handle. */
export function mappingStatus(handle: MappingHandle): MappingStatus {
  const { mapping, stats } = handle;
  return {
    name: mapping.name,
    function: mapping.function,
    source: describeSource(mapping),
    state: handle.state,
    ...(handle.waiting === undefined ? {} : { waiting: handle.waiting }),
    lastProcessingResult: stats.lastProcessingResult,
    ...(stats.lastError === undefined ? {} : { lastError: stats.lastError }),
    records: stats.records,
    invocations: stats.invocations,
    functionErrors: stats.functionErrors,
    processed: stats.processed,
    filtered: stats.filtered,
    discarded: stats.discarded,
    lag: lagOf(stats),
    positions: Object.fromEntries(handle.positions),
  };
}

/** A mapping's source in one word: `sqs:orders`, `kinesis:clicks`, `schedule:rate(5 minutes)`. */
export function describeSource(mapping: Mapping): string {
  const s = mapping.source;
  switch (s.type) {
    case 'sqs':
      return `sqs:${s.queue}`;
    case 'kinesis':
      return `kinesis:${s.stream}`;
    case 'dynamodb':
      return `dynamodb:${s.table ?? s.streamArn ?? ''}`;
    case 's3':
      return `s3:${s.bucket}`;
    case 'sns':
      return `sns:${s.topic}`;
    case 'schedule':
      return `schedule:${s.expression}`;
  }
}

/** `sluice status`'s table: one line per mapping. */
export function formatStatusTable(statuses: readonly MappingStatus[]): string {
  const rows = [
    ['MAPPING', 'STATE', 'SOURCE', 'FUNCTION', 'RECORDS', 'LAG', 'LAST RESULT'],
    ...statuses.map((s) => [
      s.name,
      s.waiting === undefined ? s.state : `${s.state} (waiting for ${s.waiting})`,
      s.source,
      s.function,
      String(s.records),
      String(s.lag),
      s.lastError === undefined ? s.lastProcessingResult : `${s.lastProcessingResult}: ${s.lastError}`,
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const lines = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
  for (const s of statuses) {
    for (const [shard, position] of Object.entries(s.positions)) lines.push(`  ${s.name} ${shard}: ${position}`);
  }
  return lines.join('\n');
}
