import { randomUUID } from 'node:crypto';
import {
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  type InvokeCommandOutput,
} from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { FunctionConfig, LambdaInvokerConfig } from '../config/types.js';
import { SluiceError } from '../errors.js';
import type { Logger } from '../log.js';
import { functionErrorKind, parseJsonOrText, toLambdaErrorPayload } from './error-payload.js';
import { InvokerErrorCode, type InvokeOptions, type InvokeResult, type Invoker } from './invoker.js';

export { invokeWithThrottleRetry, isThrottled, type ThrottleRetryOptions } from './invoke-with-throttle-retry.js';

export interface LambdaClientSettings {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** TCP connect timeout; default 5 s. */
  readonly connectionTimeoutMs?: number;
}

/**
 * A Lambda client with the SDK's own retries off (`maxAttempts: 1`): sluice
 * accounts for retries itself, so a function is never invoked twice by accident.
 */
export function createLambdaClient(settings: LambdaClientSettings): LambdaClient {
  return new LambdaClient({
    region: settings.region,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: settings.connectionTimeoutMs ?? 5_000 }),
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.credentials === undefined ? {} : { credentials: { ...settings.credentials } }),
  });
}

/** The one method of the client the invoker uses, so tests can pass a real client or a stand-in. */
export type LambdaClientPort = Pick<LambdaClient, 'send'>;

export interface LambdaInvokerDeps {
  readonly fn: FunctionConfig;
  readonly config: LambdaInvokerConfig;
  /** Built by the composition root with `createLambdaClient`, and shared by the invokers of one endpoint. */
  readonly client: LambdaClientPort;
  /** Called once, when the invoker closes: the owner destroys the client once no invoker uses it. */
  readonly onClose?: () => void;
  /** The function's logger (the composition root binds `function`). */
  readonly logger: Logger;
  /**
   * How long past the function's timeout to wait for Lambda's answer before giving up
   * on a connection that went silent (`InvokerUnavailable`, retryable); default 30 s.
   */
  readonly responseMarginMs?: number;
}

/**
 * Invokes a function through the Lambda Invoke API (AWS, LocalStack, moto).
 *
 * - `RequestResponse` (default) returns the function's response; a response with
 *   `FunctionError` (`Handled` / `Unhandled`) is a function-error result carrying
 *   the payload's `errorType` / `errorMessage` / `trace`.
 * - `Event` returns success with `payload: null` once Lambda queued it (202).
 * - `TooManyRequestsException` throws `Throttled` (retryable, not a function error),
 *   `RequestEntityTooLargeException` throws `RequestEntityTooLarge`, anything else
 *   `InvokerUnavailable` with the SDK error (and its `$metadata`) as `cause`.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export function createLambdaInvoker(deps: LambdaInvokerDeps): Invoker {
  const { fn, config, client, logger } = deps;
  const responseTimeoutMs = fn.timeout * 1000 + (deps.responseMarginMs ?? 30_000);
  const target = {
    FunctionName: config.functionName,
    ...(config.qualifier === undefined ? {} : { Qualifier: config.qualifier }),
  };
  const label = config.qualifier === undefined ? config.functionName : `${config.functionName}:${config.qualifier}`;
  let closed = false;

  return {
    async invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
      const invocationType = options.invocationType ?? 'RequestResponse';
      const started = performance.now();
      const deadline = AbortSignal.timeout(responseTimeoutMs);
      const abortSignal = options.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline]);
      let output: InvokeCommandOutput;
      try {
        output = await client.send(
          new InvokeCommand({
            ...target,
            InvocationType: invocationType,
            ...(invocationType === 'RequestResponse' ? { LogType: 'Tail' as const } : {}),
            Payload: Buffer.from(JSON.stringify(event ?? null), 'utf8'),
          }),
          { abortSignal },
        );
      } catch (err) {
        if (options.signal?.aborted === true) throw options.signal.reason;
        if (deadline.aborted) {
          throw new SluiceError(
            InvokerErrorCode.InvokerUnavailable,
            `no answer from Lambda for ${label} within ${responseTimeoutMs} ms (the function's timeout plus a margin)`,
            { retryable: true, cause: err },
          );
        }
        throw toSluiceError(err, label);
      }
      const durationMs = performance.now() - started;
      const requestId = output.$metadata.requestId ?? randomUUID();
      logTail(logger, requestId, output.LogResult);
      if (invocationType === 'Event') {
        return { status: 'success', requestId, durationMs, payload: null };
      }
      const text = output.Payload === undefined ? '' : Buffer.from(output.Payload).toString('utf8');
      const payload = parseJsonOrText(text);
      if (output.FunctionError !== undefined) {
        return {
          status: 'function-error',
          requestId,
          durationMs,
          functionError: functionErrorKind(output.FunctionError),
          error: toLambdaErrorPayload(payload) ?? {
            errorType: 'Runtime.Unknown',
            errorMessage: text.slice(0, 4096),
          },
        };
      }
      return { status: 'success', requestId, durationMs, payload };
    },

    /** GetFunction proves the function (and qualifier) exists; a DryRun invoke where GetFunction is denied. */
    async check(): Promise<void> {
      try {
        await client.send(new GetFunctionCommand(target));
      } catch (err) {
        if (httpStatus(err) !== 403) throw toSluiceError(err, label);
        try {
          await client.send(new InvokeCommand({ ...target, InvocationType: 'DryRun' }));
        } catch (dryRunErr) {
          throw toSluiceError(dryRunErr, label);
        }
      }
    },

    async close(): Promise<void> {
      // The client is shared between functions: its owner destroys it (see `onClose`).
      if (closed) return;
      closed = true;
      deps.onClose?.();
    },
  };
}

/** Maps an SDK (or network) error of an Invoke / GetFunction call to a SluiceError. */
export function toSluiceError(err: unknown, functionName: string): SluiceError {
  const name = err instanceof Error ? err.name : 'Error';
  const status = httpStatus(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (name === 'TooManyRequestsException' || status === 429) {
    return new SluiceError(InvokerErrorCode.Throttled, `Lambda throttled ${functionName}: ${detail}`, {
      retryable: true,
      cause: err,
    });
  }
  if (name === 'RequestEntityTooLargeException' || status === 413) {
    return new SluiceError(InvokerErrorCode.RequestEntityTooLarge, `Invoke payload too large for ${functionName}: ${detail}`, {
      cause: err,
    });
  }
  return new SluiceError(InvokerErrorCode.InvokerUnavailable, `Cannot invoke ${functionName}: ${name}: ${detail}`, {
    retryable: isTransient(name, status),
    cause: err,
  });
}

/** Server faults, network errors and "try again" conflicts are transient; other client errors are not. */
function isTransient(name: string, status: number | undefined): boolean {
  if (status === undefined) return true;
  if (status >= 500) return true;
  return name === 'ResourceConflictException' || name === 'ResourceNotReadyException';
}

function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const metadata = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

/** The last 4 KB of the function's log, which Lambda returns with `LogType: Tail`. */
function logTail(logger: Logger, requestId: string, logResult: string | undefined): void {
  if (logResult === undefined || logResult === '' || !logger.isLevelEnabled('debug')) return;
  const text = Buffer.from(logResult, 'base64').toString('utf8');
  for (const line of text.split('\n')) {
    if (line !== '') logger.debug({ requestId, line }, 'function.log');
  }
}
