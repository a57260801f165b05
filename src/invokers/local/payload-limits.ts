/**
 * Lambda's invocation payload quotas, applied locally so that a batch or a
 * response that would fail on AWS fails here too.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
import { SluiceError } from '../../errors.js';
import { InvokerErrorCode, type InvocationType, type LambdaErrorPayload } from '../invoker.js';

/** 6 MB for a synchronous (RequestResponse) request, 1 MB for an asynchronous (Event) one. */
export const MAX_REQUEST_BYTES: Readonly<Record<InvocationType, number>> = {
  RequestResponse: 6 * 1024 * 1024,
  Event: 1024 * 1024,
};

/** The largest response Lambda returns, as its error message states it. */
export const MAX_RESPONSE_BYTES = 6_291_556;

/** Throws `RequestEntityTooLarge` (what the Invoke API answers with HTTP 413) for an oversized event. */
export function assertRequestSize(functionName: string, eventJson: string, invocationType: InvocationType): void {
  const size = Buffer.byteLength(eventJson, 'utf8');
  const limit = MAX_REQUEST_BYTES[invocationType];
  if (size > limit) {
    throw new SluiceError(
      InvokerErrorCode.RequestEntityTooLarge,
      `${invocationType} payload for function "${functionName}" is ${size} bytes; Lambda accepts at most ${limit}`,
    );
  }
}

/** Lambda's function error for a response over the limit, or `undefined` when it fits. */
export function responseSizeError(payloadJson: string): LambdaErrorPayload | undefined {
  if (Buffer.byteLength(payloadJson, 'utf8') <= MAX_RESPONSE_BYTES) return undefined;
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  };
}
