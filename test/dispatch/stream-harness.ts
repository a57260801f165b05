import { createMemoryDestinationSender, type DestinationSender } from '../../src/dispatch/destinations.js';
import type { StreamDiscardCondition } from '../../src/dispatch/failure-records.js';
import { FailureReason, type BatchOutcome } from '../../src/dispatch/invoke-batch.js';
import type { StreamBatchDeps, StreamPolicy } from '../../src/dispatch/stream-policy.js';
import { silentLogger } from '../../src/log.js';
import type { PipelineRecord } from '../../src/records.js';
import { createFakeClock, type FakeClock } from '../support/fake-clock.js';
import { SHARD_ID, STREAM_ARN } from '../support/records.js';

export const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:fn';
export const DESTINATION = 'arn:aws:sqs:us-east-1:000000000000:failures';

let requestCounter = 0;
const nextRequestId = (): string => `req-${(requestCounter += 1)}`;

export const outcomes = {
  success: (): BatchOutcome => ({ kind: 'success', response: null, requestId: nextRequestId() }),
  functionError: (): BatchOutcome => ({
    kind: 'failure',
    reason: FailureReason.FunctionError,
    message: 'Error: boom',
    requestId: nextRequestId(),
    functionError: 'Unhandled',
    error: { errorType: 'Error', errorMessage: 'boom' },
  }),
  partial: (failed: readonly PipelineRecord[]): BatchOutcome => ({
    kind: 'partial',
    failed,
    response: { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.itemIdentifier })) },
    requestId: nextRequestId(),
  }),
  invalid: (): BatchOutcome => ({ kind: 'failure', reason: FailureReason.InvalidResponse, message: 'bad', requestId: nextRequestId() }),
  tooLarge: (): BatchOutcome => ({ kind: 'failure', reason: FailureReason.PayloadTooLarge, message: 'too large', requestId: nextRequestId() }),
  invokerError: (): BatchOutcome => ({ kind: 'failure', reason: FailureReason.InvokerError, message: 'unreachable', requestId: nextRequestId() }),
};

export interface StreamHarness {
  readonly deps: StreamBatchDeps;
  readonly clock: FakeClock;
  /** The records of every invocation, in call order. */
  readonly calls: PipelineRecord[][];
  /** The outcome of every invocation, in call order. */
  readonly results: BatchOutcome[];
  readonly done: { records: readonly PipelineRecord[]; how: 'processed' | StreamDiscardCondition }[];
  readonly sent: { destination: string; document: unknown }[];
  /** Record indexes per call, e.g. [[0,1,2],[2]]. */
  callIndexes(all: readonly PipelineRecord[]): number[][];
}

export function streamHarness(options: {
  readonly policy?: Partial<StreamPolicy>;
  readonly respond: (records: readonly PipelineRecord[], call: number) => BatchOutcome | Promise<BatchOutcome>;
  readonly source?: 'kinesis' | 'dynamodb';
  readonly clock?: FakeClock;
  readonly sendToDestination?: DestinationSender;
  readonly retryDelayMs?: (attempt: number) => number;
}): StreamHarness {
  const clock = options.clock ?? createFakeClock();
  const calls: PipelineRecord[][] = [];
  const results: BatchOutcome[] = [];
  const done: StreamHarness['done'] = [];
  const memory = createMemoryDestinationSender();
  const deps: StreamBatchDeps = {
    source: options.source ?? 'kinesis',
    policy: {
      maximumRetryAttempts: -1,
      maximumRecordAgeInSeconds: -1,
      bisectBatchOnFunctionError: false,
      ...options.policy,
    },
    functionArn: FUNCTION_ARN,
    streamArn: STREAM_ARN,
    shardId: SHARD_ID,
    clock,
    logger: silentLogger,
    sendToDestination: options.sendToDestination ?? memory.send,
    invoke: async (records) => {
      calls.push([...records]);
      const result = await options.respond(records, calls.length);
      results.push(result);
      return result;
    },
    onDone: (records, how) => done.push({ records: [...records], how }),
    ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
  };
  return {
    deps,
    clock,
    calls,
    results,
    done,
    sent: memory.sent,
    callIndexes: (all) => calls.map((c) => c.map((r) => all.indexOf(r))),
  };
}
