import type { InvocationReport } from '../dispatch/invoke-batch.js';
import type { ReplayProblem } from '../replay/replay-file.js';
import type { QueueHoldings } from '../../pollers/sqs/held-messages.js';

/** Counters of one mapping's run, for the replay summary, status and metrics. */
export interface MappingStats {
  records: number;
  invocations: number;
  functionErrors: number;
  processed: number;
  filtered: number;
  /** Stream batches / async events given up by the failure policy (sent to a destination when one is set). */
  discarded: number;
  /** Replay queues: messages the simulated redrive policy moved to the DLQ. */
  deadLettered: number;
  /** Replay: records given up on with no failure policy to take them (a failed replay). */
  abandoned: number;
  /**
   * Live SQS: messages handed back to the queue (a failed batch, a release at shutdown). They are
   * received, and counted in `records`, again: for the lag they are finished with.
   */
  returned: number;
  /** Stream mappings: records read from and finished with per shard (the per-shard offset lag). */
  readonly shards: Map<string, ShardCounts>;
  /** SQS mappings: what the consumer holds of its queue now (the SQS gauges). */
  queue?: QueueHoldings;
  /** Live SQS mappings, while consuming: the receive loops running now (each one batch in flight). */
  receiveLoops?: { readonly active: number } | undefined;
  malformed: ReplayProblem[];
  lastProcessingResult: string;
  lastError?: string;
  /**
   * Why the function could not be loaded at its last invocation (a handler edited into a syntax
   * error under `--watch`, a missing export); cleared once it loads again. `/readyz` reports it.
   */
  functionNotLoadable?: string;
}

/** Lambda's runtime errors for a handler that cannot be loaded (the function never ran). */
const LOAD_ERRORS: ReadonlySet<string> = new Set(['Runtime.ImportModuleError', 'Runtime.HandlerNotFound', 'Runtime.UserCodeSyntaxError', 'Runtime.MalformedHandlerName']);

export interface ShardCounts {
  read: number;
  filtered: number;
  /** Processed, filtered out or given up by the failure policy. */
  finished: number;
}

export function createMappingStats(): MappingStats {
  return {
    records: 0,
    invocations: 0,
    functionErrors: 0,
    processed: 0,
    filtered: 0,
    discarded: 0,
    deadLettered: 0,
    abandoned: 0,
    returned: 0,
    shards: new Map(),
    malformed: [],
    lastProcessingResult: 'No records processed',
  };
}

/** Counts an invocation into the stats, in Lambda's `LastProcessingResult` words. */
export function countInvocation(stats: MappingStats, report: InvocationReport): void {
  stats.invocations += 1;
  const { outcome } = report;
  if (outcome.kind === 'failure' && outcome.error !== undefined && LOAD_ERRORS.has(outcome.error.errorType)) stats.functionNotLoadable = outcome.message;
  // The function ran (an invoker that could not reach it says nothing about loading).
  else if (outcome.kind !== 'failure' || outcome.reason !== 'InvokerError') delete stats.functionNotLoadable;
  if (report.outcome.kind === 'failure') {
    if (report.outcome.reason !== 'InvokerError') stats.functionErrors += 1;
    stats.lastProcessingResult = 'PROBLEM: Function call failed';
    stats.lastError = report.outcome.message;
  } else {
    stats.lastProcessingResult = 'OK';
  }
}

/** Records read and not yet finished with (processed, filtered out, given up or handed back). */
export function lagOf(stats: MappingStats): number {
  const finished = stats.processed + stats.filtered + stats.discarded + stats.deadLettered + stats.abandoned + stats.returned;
  return Math.max(0, stats.records - finished);
}

/** The counts of one shard, created on first use. */
export function shardCounts(stats: MappingStats, shardId: string): ShardCounts {
  let counts = stats.shards.get(shardId);
  if (!counts) {
    counts = { read: 0, filtered: 0, finished: 0 };
    stats.shards.set(shardId, counts);
  }
  return counts;
}
