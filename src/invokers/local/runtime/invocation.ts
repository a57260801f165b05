/**
 * One invocation inside an execution environment, with the Node.js runtime's
 * completion rules:
 * - the handler is called as `handler(event, context, callback)`;
 * - if it returns a promise (thenable), its settlement is the outcome;
 * - otherwise the outcome is the first of `callback(err, result)`,
 *   `context.done/succeed/fail`; `callback` answers only once the event loop
 *   is empty, unless `context.callbackWaitsForEmptyEventLoop` is false;
 * - if the event loop empties with no outcome, a non-async handler answers
 *   `null` (a sync handler's return value is ignored, as on Lambda), and an
 *   `async` handler whose promise never settled fails with `Runtime.NodeJsExit`;
 * - a throw from the handler is a function error; the response is the JSON text
 *   of the result (`undefined`, or a value with no JSON form such as a function → `null`).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-invocation-nodejs-exit
 */
import type { LambdaErrorPayload } from '../../invoker.js';
import type { InvokeMessage } from './protocol.js';
import { isAsyncFunction, type Handler } from './load-handler.js';
import { formatForLog, NODE_JS_EXIT_MESSAGE, RuntimeError, RuntimeErrorType, toLambdaError } from './runtime-errors.js';

export type InvocationOutcome =
  | { readonly ok: true; readonly payload: string }
  | { readonly ok: false; readonly error: LambdaErrorPayload };

export interface InvocationHooks {
  /** Called with a listener to run when the event loop has nothing left to do. */
  onEmptyEventLoop(listener: (() => void) | undefined): void;
  /** Called exactly once. */
  finish(outcome: InvocationOutcome): void;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function environmentContext(request: InvokeMessage): Record<string, unknown> {
  const deadline = Date.now() + request.timeoutMs;
  const env = process.env;
  return {
    functionVersion: env['AWS_LAMBDA_FUNCTION_VERSION'],
    functionName: env['AWS_LAMBDA_FUNCTION_NAME'],
    memoryLimitInMB: env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'],
    logGroupName: env['AWS_LAMBDA_LOG_GROUP_NAME'],
    logStreamName: env['AWS_LAMBDA_LOG_STREAM_NAME'],
    clientContext: undefined,
    identity: undefined,
    invokedFunctionArn: request.invokedFunctionArn,
    awsRequestId: request.requestId,
    getRemainingTimeInMillis: (): number => deadline - Date.now(),
  };
}

/** Runs `handler` for `request`; the outcome arrives through `hooks.finish`. */
export function runInvocation(handler: Handler, request: InvokeMessage, hooks: InvocationHooks): void {
  let finished = false;
  let reported = false;
  let waitsForEmptyEventLoop = true;

  const finish = (outcome: InvocationOutcome): void => {
    if (finished) return;
    finished = true;
    hooks.onEmptyEventLoop(undefined);
    hooks.finish(outcome);
  };
  const postError = (err: unknown): void => {
    console.error('Invoke Error', formatForLog(err));
    finish({ ok: false, error: toLambdaError(err) });
  };
  const postResponse = (result: unknown): void => {
    let payload: string;
    try {
      // JSON.stringify gives undefined, not text, for undefined itself and for a value with no
      // JSON form (a function, a symbol, an object whose toJSON returns undefined). The response
      // is then null, which is what Lambda's Node.js runtime returns for them (not re-checked
      // against the runtime's source here).
      const text: string | undefined = JSON.stringify(result);
      payload = text ?? 'null';
    } catch {
      postError(new Error('Unable to stringify response body'));
      return;
    }
    finish({ ok: true, payload });
  };

  // Only the first call to callback / done / succeed / fail counts.
  const once =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      if (reported) return;
      reported = true;
      fn(...args);
    };
  const done = (err: unknown, result?: unknown): void => {
    if (err !== undefined && err !== null) postError(err);
    else postResponse(result);
  };
  const callback = once((err: unknown, result?: unknown): void => {
    if (err !== undefined && err !== null) {
      postError(err);
    } else if (!waitsForEmptyEventLoop) {
      postResponse(result);
    } else {
      hooks.onEmptyEventLoop(() => setImmediate(() => postResponse(result)));
    }
  });
  const succeed = once((result?: unknown): void => done(null, result));
  const fail = once((err?: unknown): void => done(err === undefined || err === null ? 'handled' : err));

  const context = {
    get callbackWaitsForEmptyEventLoop(): boolean {
      return waitsForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value: boolean) {
      waitsForEmptyEventLoop = value;
    },
    done: once(done),
    succeed,
    fail,
    ...environmentContext(request),
  };

  const isAsync = isAsyncFunction(handler);
  hooks.onEmptyEventLoop(() => {
    reported = true;
    if (isAsync) postError(new RuntimeError(RuntimeErrorType.NodeJsExit, NODE_JS_EXIT_MESSAGE));
    else postResponse(null);
  });

  let event: unknown;
  try {
    event = JSON.parse(request.event);
  } catch (err) {
    callback(err);
    return;
  }
  try {
    const result = handler(event, context, callback);
    if (isThenable(result)) {
      result.then(succeed, fail);
    }
  } catch (err) {
    callback(err);
  }
}
