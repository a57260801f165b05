import type { Clock } from '../clock.js';
import type { Invoker, InvokeResult } from '../invokers/invoker.js';
import type { Logger } from '../log.js';
import type { DestinationSender } from './destinations.js';

export interface AsyncPolicy {
  /** 0-2; default 2. */
  readonly maximumRetryAttempts: number;
  /** 60-21,600; default 21,600. */
  readonly maximumEventAgeInSeconds: number;
  readonly onFailureDestination?: string;
  readonly onSuccessDestination?: string;
}

export interface AsyncInvokeDeps {
  readonly invoker: Invoker;
  readonly policy: AsyncPolicy;
  readonly functionArn: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sendToDestination: DestinationSender;
  /**
   * Delay before retry n (1-based). Lambda waits about 1 minute, then 2 minutes; that is
   * the default, and tests and replays pass shorter delays.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
   */
  readonly retryDelayMs?: (retry: number) => number;
  readonly observe?: (event: unknown, result: InvokeResult | undefined, error: unknown) => void;
}

export type AsyncOutcome =
  | { readonly kind: 'success'; readonly attempts: number }
  | { readonly kind: 'failure'; readonly attempts: number; readonly condition: 'RetriesExhausted' | 'EventAgeExceeded' };

const awsRetryDelay = (retry: number): number => (retry === 1 ? 60_000 : 120_000);

/**
 * Invokes a function with an event as Lambda's asynchronous invocation does: a function
 * error is retried up to `maximumRetryAttempts` times, unless the event grows older than
 * `maximumEventAgeInSeconds`; then the event goes to the on-failure destination in
 * Lambda's asynchronous invocation record shape. Invoker faults (throttles, unreachable)
 * are retried until the event expires, without counting.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export async function invokeAsync(
  event: unknown,
  receivedAt: number,
  deps: AsyncInvokeDeps,
  signal: AbortSignal,
): Promise<AsyncOutcome> {
  const { policy, clock } = deps;
  const delay = deps.retryDelayMs ?? awsRetryDelay;
  let attempts = 0;
  let retries = 0;
  let faults = 0;
  let last: InvokeResult | undefined;
  for (;;) {
    if (clock.now() - receivedAt > policy.maximumEventAgeInSeconds * 1000) {
      await sendRecord('EventAgeExceeded');
      return { kind: 'failure', attempts, condition: 'EventAgeExceeded' };
    }
    let result: InvokeResult | undefined;
    try {
      result = await deps.invoker.invoke(event, { signal, invocationType: 'RequestResponse' });
      attempts += 1;
      deps.observe?.(event, result, undefined);
    } catch (err) {
      if (signal.aborted) throw err;
      deps.observe?.(event, undefined, err);
      faults += 1;
      deps.logger.warn({ err, faults }, 'asynchronous invoke could not reach the function; retrying');
      await clock.sleep(Math.min(1_000 * 2 ** faults, 60_000), signal);
      continue;
    }
    last = result;
    if (result.status === 'success') {
      if (policy.onSuccessDestination) await deps.sendToDestination(policy.onSuccessDestination, record('Success'), signal);
      return { kind: 'success', attempts };
    }
    if (retries >= policy.maximumRetryAttempts) {
      await sendRecord('RetriesExhausted');
      return { kind: 'failure', attempts, condition: 'RetriesExhausted' };
    }
    retries += 1;
    deps.logger.warn({ retry: retries, error: result.error }, 'asynchronous invocation failed; retrying');
    await clock.sleep(delay(retries), signal);
  }

  async function sendRecord(condition: 'RetriesExhausted' | 'EventAgeExceeded'): Promise<void> {
    const destination = policy.onFailureDestination;
    deps.logger.warn({ condition, attempts, destination: destination ?? null }, 'asynchronous event given up');
    if (destination) await deps.sendToDestination(destination, record(condition), signal);
  }

  /**
   * @example {"version":"1.0","timestamp":"2019-11-24T23:08:25.651Z","requestContext":{"requestId":"c2a6f2ae-...",
   *  "functionArn":"arn:aws:lambda:us-east-2:123456789012:function:my-function:$LATEST","condition":"RetriesExhausted",
   *  "approximateInvokeCount":3},"requestPayload":{...},"responseContext":{"statusCode":200,"executedVersion":"$LATEST",
   *  "functionError":"Unhandled"},"responsePayload":{"errorMessage":"...","errorType":"..."}}
   */
  function record(condition: 'RetriesExhausted' | 'EventAgeExceeded' | 'Success'): Record<string, unknown> {
    return {
      version: '1.0',
      timestamp: new Date(clock.now()).toISOString(),
      requestContext: {
        requestId: last?.requestId ?? crypto.randomUUID(),
        functionArn: `${deps.functionArn}:$LATEST`,
        condition,
        approximateInvokeCount: attempts,
      },
      requestPayload: event,
      responseContext: {
        statusCode: 200,
        executedVersion: '$LATEST',
        ...(last?.status === 'function-error' ? { functionError: last.functionError } : {}),
      },
      responsePayload: last === undefined ? null : last.status === 'success' ? last.payload : last.error,
    };
  }
}
