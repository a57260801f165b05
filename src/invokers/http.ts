import { randomUUID } from 'node:crypto';
import type { FunctionConfig, HttpInvokerConfig } from '../config/types.js';
import { SluiceError } from '../errors.js';
import type { Logger } from '../log.js';
import { functionErrorKind, parseJsonOrText, timedOutError, toLambdaErrorPayload } from './error-payload.js';
import { InvokerErrorCode, type InvokeOptions, type InvokeResult, type Invoker } from './invoker.js';

export interface HttpInvokerDeps {
  readonly fn: FunctionConfig;
  readonly config: HttpInvokerConfig;
  readonly logger: Logger;
}

/**
 * Invokes a function by POSTing the event JSON to a URL: the Lambda Runtime
 * Interface Emulator (`http://localhost:9000/2015-03-31/functions/function/invocations`),
 * a function URL, or any local dev server. The response body is the function's
 * result (JSON when it parses, else the text).
 *
 * A non-2xx status or an `X-Amz-Function-Error` header is a function error
 * (the body's `errorType` / `errorMessage` when it is a Lambda error payload,
 * else `HttpError`); 429 throws `Throttled`, 413 `RequestEntityTooLarge`, an
 * unreachable endpoint `InvokerUnavailable` (retryable). A response slower than
 * the function's timeout is aborted and reported as `Sandbox.Timedout`, as Lambda does.
 *
 * Connections are kept alive by the global `fetch` (undici) dispatcher.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/images-test.html
 */
export function createHttpInvoker(deps: HttpInvokerDeps): Invoker {
  const { fn, config, logger } = deps;
  const timeoutMs = fn.timeout * 1000;

  return {
    async invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
      const requestId = randomUUID();
      const started = performance.now();
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new Error(`timed out after ${fn.timeout} s`)), timeoutMs);
      const signal = options.signal === undefined ? timeout.signal : AbortSignal.any([options.signal, timeout.signal]);
      let status: number;
      let functionErrorHeader: string | null;
      let text: string;
      let responseRequestId: string | null;
      try {
        const response = await fetch(config.url, {
          method: 'POST',
          headers: {
            ...config.headers,
            'content-type': 'application/json',
            ...(options.invocationType === 'Event' ? { 'x-amz-invocation-type': 'Event' } : {}),
          },
          body: JSON.stringify(event ?? null),
          signal,
        });
        status = response.status;
        functionErrorHeader = response.headers.get('x-amz-function-error');
        responseRequestId = response.headers.get('x-amzn-requestid') ?? response.headers.get('x-amz-request-id');
        text = await response.text();
      } catch (err) {
        if (options.signal?.aborted === true) throw options.signal.reason;
        const durationMs = performance.now() - started;
        if (timeout.signal.aborted) {
          logger.debug({ requestId, durationMs }, 'invoker.timedOut');
          return {
            status: 'function-error',
            requestId,
            durationMs,
            functionError: 'Unhandled',
            error: timedOutError(requestId, fn.timeout),
          };
        }
        throw new SluiceError(InvokerErrorCode.InvokerUnavailable, `Cannot reach ${config.url} for ${fn.name}: ${describe(err)}`, {
          retryable: true,
          cause: err,
        });
      } finally {
        clearTimeout(timer);
      }
      const durationMs = performance.now() - started;
      const id = responseRequestId ?? requestId;
      if (status === 429) {
        throw new SluiceError(InvokerErrorCode.Throttled, `${config.url} throttled ${fn.name} (HTTP 429)`, { retryable: true });
      }
      if (status === 413) {
        throw new SluiceError(InvokerErrorCode.RequestEntityTooLarge, `${config.url} refused the payload for ${fn.name} (HTTP 413)`);
      }
      const payload = parseJsonOrText(text);
      if (status < 200 || status > 299 || functionErrorHeader !== null) {
        return {
          status: 'function-error',
          requestId: id,
          durationMs,
          functionError: functionErrorKind(functionErrorHeader),
          error: toLambdaErrorPayload(payload) ?? { errorType: 'HttpError', errorMessage: `HTTP ${status}: ${text.slice(0, 200)}` },
        };
      }
      return { status: 'success', requestId: id, durationMs, payload: options.invocationType === 'Event' ? null : payload };
    },

    async close(): Promise<void> {
      // The global fetch dispatcher owns the keep-alive connections.
    },
  };
}

/** `fetch failed` hides the reason in `cause` (ECONNREFUSED, ENOTFOUND...). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} (${cause.message})` : cause.message;
  }
  return err.message;
}
