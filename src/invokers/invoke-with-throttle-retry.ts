import pRetry from 'p-retry';
import { SluiceError } from '../errors.js';
import { InvokerErrorCode, type InvocationType, type InvokeResult, type Invoker } from './invoker.js';

export interface ThrottleRetryOptions {
  /** Stops retrying (and the in-flight invocation); required so no retry loop outlives shutdown. */
  readonly signal: AbortSignal;
  readonly invocationType?: InvocationType;
  /** First back-off delay; default 200 ms. */
  readonly minDelayMs?: number;
  /** Cap of the exponential back-off; default 30 s. */
  readonly maxDelayMs?: number;
  /** Called for each throttle, before waiting (for logs and metrics). */
  readonly onThrottle?: (info: { readonly error: SluiceError; readonly attempt: number }) => void;
}

/** True for the `Throttled` SluiceError invokers throw on a 429. */
export function isThrottled(err: unknown): err is SluiceError {
  return err instanceof SluiceError && err.code === InvokerErrorCode.Throttled;
}

/**
 * Invokes, and while the invoker throws `Throttled` backs off (exponential with
 * jitter, capped at `maxDelayMs`) and invokes again, forever, until `signal`
 * aborts. A throttle is not a function error and consumes no retry attempt, as
 * Lambda's event source mappings treat it. Every other error and every result
 * (function errors included) is passed through untouched.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html
 */
export function invokeWithThrottleRetry(
  invoker: Invoker,
  event: unknown,
  options: ThrottleRetryOptions,
): Promise<InvokeResult> {
  const { signal, invocationType, onThrottle } = options;
  return pRetry(
    () => invoker.invoke(event, invocationType === undefined ? { signal } : { signal, invocationType }),
    {
      retries: Number.POSITIVE_INFINITY,
      factor: 2,
      minTimeout: options.minDelayMs ?? 200,
      maxTimeout: options.maxDelayMs ?? 30_000,
      randomize: true,
      signal,
      shouldRetry: ({ error }) => isThrottled(error),
      onFailedAttempt: ({ error, attemptNumber }) => {
        if (isThrottled(error)) onThrottle?.({ error, attempt: attemptNumber });
      },
    },
  );
}
