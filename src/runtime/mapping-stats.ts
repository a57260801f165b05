import type { InvocationReport } from '../dispatch/invoke-batch.js';
import type { ReplayProblem } from '../replay/replay-file.js';

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
  malformed: ReplayProblem[];
  lastProcessingResult: string;
  lastError?: string;
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
    malformed: [],
    lastProcessingResult: 'No records processed',
  };
}

/** Counts an invocation into the stats, in Lambda's `LastProcessingResult` words. */
export function countInvocation(stats: MappingStats, report: InvocationReport): void {
  stats.invocations += 1;
  if (report.outcome.kind === 'failure') {
    if (report.outcome.reason !== 'InvokerError') stats.functionErrors += 1;
    stats.lastProcessingResult = 'PROBLEM: Function call failed';
    stats.lastError = report.outcome.message;
  } else {
    stats.lastProcessingResult = 'OK';
  }
}
