import type { Mapping } from '../config/types.js';
import { invokeAsync, type AsyncOutcome, type AsyncPolicy } from '../dispatch/async-policy.js';
import { functionArn } from '../dispatch/failure-records.js';
import type { InvocationReport } from '../dispatch/invoke-batch.js';
import type { Invoker, InvokeResult } from '../invokers/invoker.js';
import type { Logger } from '../log.js';
import { countInvocation, type MappingStats } from '../runtime/mapping-stats.js';
import type { RuntimeContext } from '../runtime/runtime-context.js';

/** Invokes one event under a mapping's asynchronous-invocation rules, counting into its stats. */
export interface AsyncDispatcher {
  /**
   * Runs the event to its end: success (on-success destination), or failure after the retries
   * or the event age ran out (on-failure destination). Rejects only when `signal` aborts.
   */
  dispatch(event: unknown, receivedAt: number, signal: AbortSignal): Promise<AsyncOutcome>;
}

export interface AsyncDispatcherOptions {
  /** Delay before retry n (1-based); default Lambda's (1 minute, then 2). */
  readonly retryDelayMs?: (retry: number) => number;
  /** The invoker to use instead of the mapping's function's (e.g. a concurrency-limited one). */
  readonly invoker?: Invoker;
  readonly logger?: Logger;
}

/** A push (or replayed push) mapping's policy: its `maximumRetryAttempts`, `maximumEventAgeInSeconds` and destinations. */
export function asyncPolicyOf(mapping: Mapping): AsyncPolicy {
  return {
    maximumRetryAttempts: mapping.maximumRetryAttempts,
    maximumEventAgeInSeconds: mapping.maximumEventAgeInSeconds,
    ...(mapping.destinationConfig.onFailure ? { onFailureDestination: mapping.destinationConfig.onFailure.destination } : {}),
    ...(mapping.destinationConfig.onSuccess ? { onSuccessDestination: mapping.destinationConfig.onSuccess.destination } : {}),
  };
}

/**
 * The one path every asynchronous event takes, live (S3, SNS, schedules) or replayed: the
 * mapping's policy, Lambda's retry rules ({@link invokeAsync}), the invocation observer, and
 * the stats (`invocations`, `functionErrors`, `processed` for a success, `discarded` for an
 * event given up on).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
export function createAsyncDispatcher(
  mapping: Mapping,
  ctx: RuntimeContext,
  stats: MappingStats,
  options: AsyncDispatcherOptions = {},
): AsyncDispatcher {
  const invoker = options.invoker ?? ctx.invokers.get(mapping.function);
  if (!invoker) throw new Error(`mapping "${mapping.name}" names function "${mapping.function}", which has no invoker`);
  const logger = options.logger ?? ctx.logger.child({ mapping: mapping.name });
  const deps = {
    invoker,
    policy: asyncPolicyOf(mapping),
    functionArn: functionArn(ctx.config.region, ctx.config.account, mapping.function),
    clock: ctx.clock,
    logger,
    sendToDestination: ctx.sendToDestination,
    ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
    observe: (event: unknown, result: InvokeResult | undefined, error: unknown) => {
      const report = asyncReport(mapping.name, event, result, error);
      countInvocation(stats, report);
      ctx.observe?.(report);
    },
  };
  return {
    async dispatch(event, receivedAt, signal) {
      const outcome = await invokeAsync(event, receivedAt, deps, signal);
      if (outcome.kind === 'success') stats.processed += 1;
      else stats.discarded += 1;
      return outcome;
    },
  };
}

/** An asynchronous invocation, reported in the same shape as a batch's. */
export function asyncReport(mapping: string, event: unknown, result: InvokeResult | undefined, error: unknown): InvocationReport {
  const base = { mapping, event, records: [], durationMs: result?.durationMs ?? 0 };
  if (result === undefined) {
    return { ...base, outcome: { kind: 'failure', reason: 'InvokerError', message: String(error), requestId: '' } };
  }
  if (result.status === 'success') {
    return { ...base, response: result.payload, outcome: { kind: 'success', response: result.payload, requestId: result.requestId } };
  }
  return {
    ...base,
    error: result.error,
    outcome: {
      kind: 'failure',
      reason: 'FunctionError',
      message: `${result.error.errorType}: ${result.error.errorMessage}`,
      requestId: result.requestId,
      functionError: result.functionError,
      error: result.error,
    },
  };
}
