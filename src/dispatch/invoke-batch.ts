import { randomUUID } from 'node:crypto';
import { SluiceError } from '../errors.js';
import type { Invoker, InvokeResult, LambdaErrorPayload } from '../invokers/invoker.js';
import { InvokerErrorCode } from '../invokers/invoker.js';
import type { Logger } from '../log.js';
import type { PipelineRecord } from '../records.js';
import { interpretBatchResponse } from './batch-response.js';

/** What one invocation of a batch came to. Expected outcomes are values, never thrown. */
export type BatchOutcome =
  | { readonly kind: 'success'; readonly response: unknown; readonly requestId: string }
  | {
      readonly kind: 'partial';
      /** The records the function reported as failed, in batch order. */
      readonly failed: readonly PipelineRecord[];
      readonly response: unknown;
      readonly requestId: string;
    }
  | {
      readonly kind: 'failure';
      readonly reason: FailureReason;
      readonly message: string;
      readonly requestId: string;
      /** Set when the function ran and reported an error. */
      readonly functionError?: 'Handled' | 'Unhandled';
      readonly error?: LambdaErrorPayload;
    };

export const FailureReason = {
  /** The function ran and failed (threw, timed out, crashed). Counts as a retry. */
  FunctionError: 'FunctionError',
  /** ReportBatchItemFailures is on and the response is not a valid batch response. Counts as a retry. */
  InvalidResponse: 'InvalidResponse',
  /** The batch is over the invoke payload limit: streams bisect. */
  PayloadTooLarge: 'PayloadTooLarge',
  /** The function could not be invoked (unreachable, throttled past patience): not a function error. */
  InvokerError: 'InvokerError',
} as const;
export type FailureReason = (typeof FailureReason)[keyof typeof FailureReason];

/** One invocation, as observed: what the test library returns and metrics count. */
export interface InvocationReport {
  readonly mapping: string;
  readonly shardId?: string;
  readonly event: unknown;
  readonly records: readonly PipelineRecord[];
  readonly outcome: BatchOutcome;
  /** The function's raw response (success) or error payload (function error). */
  readonly response?: unknown;
  readonly error?: LambdaErrorPayload;
  readonly durationMs: number;
}

export type InvocationObserver = (report: InvocationReport) => void;

export interface InvokeBatchDeps {
  readonly mapping: string;
  readonly invoker: Invoker;
  readonly reportBatchItemFailures: boolean;
  readonly logger: Logger;
  readonly observe?: InvocationObserver;
  readonly shardId?: string;
}

/**
 * Sends `{ Records: [...] }` (plus `extra` fields, e.g. a tumbling window's) to the
 * invoker and turns what happened into a `BatchOutcome`.
 */
export async function invokeBatch(
  deps: InvokeBatchDeps,
  records: readonly PipelineRecord[],
  options: { readonly signal?: AbortSignal; readonly extra?: Readonly<Record<string, unknown>> } = {},
): Promise<BatchOutcome> {
  const event = { Records: records.map((r) => r.event), ...options.extra };
  const started = performance.now();
  let outcome: BatchOutcome;
  let result: InvokeResult | undefined;
  try {
    result = await deps.invoker.invoke(event, options.signal ? { signal: options.signal } : {});
    outcome = toOutcome(result, records, deps.reportBatchItemFailures);
  } catch (err) {
    if (options.signal?.aborted) throw err;
    outcome = invokerFailure(err);
    deps.logger.warn({ err, records: records.length }, 'invoke failed before the function ran');
  }
  const durationMs = performance.now() - started;
  if (outcome.kind === 'failure' && outcome.reason === FailureReason.InvalidResponse) {
    deps.logger.warn({ requestId: outcome.requestId, reason: outcome.message }, 'invalid batch response: the whole batch failed');
  }
  deps.observe?.({
    mapping: deps.mapping,
    ...(deps.shardId === undefined ? {} : { shardId: deps.shardId }),
    event,
    records,
    outcome,
    ...(result?.status === 'success' ? { response: result.payload } : {}),
    ...(result?.status === 'function-error' ? { error: result.error } : {}),
    durationMs,
  });
  return outcome;
}

function toOutcome(result: InvokeResult, records: readonly PipelineRecord[], reportFailures: boolean): BatchOutcome {
  if (result.status === 'function-error') {
    return {
      kind: 'failure',
      reason: FailureReason.FunctionError,
      message: `${result.error.errorType}: ${result.error.errorMessage}`,
      requestId: result.requestId,
      functionError: result.functionError,
      error: result.error,
    };
  }
  if (!reportFailures) return { kind: 'success', response: result.payload, requestId: result.requestId };
  const verdict = interpretBatchResponse(result.payload, records);
  switch (verdict.kind) {
    case 'success':
      return { kind: 'success', response: result.payload, requestId: result.requestId };
    case 'partial':
      return {
        kind: 'partial',
        failed: records.filter((r) => verdict.failedIdentifiers.has(r.itemIdentifier)),
        response: result.payload,
        requestId: result.requestId,
      };
    case 'invalid':
      return { kind: 'failure', reason: FailureReason.InvalidResponse, message: verdict.reason, requestId: result.requestId };
  }
}

function invokerFailure(err: unknown): BatchOutcome {
  const code = err instanceof SluiceError ? err.code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return {
    kind: 'failure',
    reason: code === InvokerErrorCode.RequestEntityTooLarge ? FailureReason.PayloadTooLarge : FailureReason.InvokerError,
    message,
    requestId: randomUUID(),
  };
}
