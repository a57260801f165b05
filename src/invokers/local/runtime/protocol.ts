/**
 * The messages a local execution environment (a child Node process or a worker
 * thread running `runtime-main`) and sluice exchange over its channel (see
 * `channel.ts`). JSON only: the event and the response cross as JSON text, so
 * the handler sees exactly what Lambda would hand it, and sluice gets back
 * exactly what Lambda would return.
 *
 * Types only: this file is imported by both sides and has no runtime code.
 */
import type { LambdaErrorPayload } from '../../invoker.js';

/** sluice → environment: load the module and resolve the handler (Lambda's Init phase). */
export interface InitMessage {
  readonly type: 'init';
  readonly modulePath: string;
  readonly exportName: string;
  /** Lambda's `_HANDLER`, e.g. `index.handler`, used in HandlerNotFound messages. */
  readonly handlerName: string;
}

/** sluice → environment: run one invocation. */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly requestId: string;
  /** The event as JSON text. */
  readonly event: string;
  /** The function timeout; the environment derives its deadline from it on receipt. */
  readonly timeoutMs: number;
  readonly invokedFunctionArn: string;
}

export type ParentMessage = InitMessage | InvokeMessage;

/** environment → sluice: the handler is loaded. */
export interface ReadyMessage {
  readonly type: 'ready';
  /** From process start to handler resolved (Lambda's "Init Duration"). */
  readonly initDurationMs: number;
}

/** environment → sluice: loading failed (the environment is no longer usable). */
export interface InitErrorMessage {
  readonly type: 'init-error';
  readonly error: LambdaErrorPayload;
  readonly initDurationMs: number;
}

interface ResultBase {
  readonly type: 'result';
  readonly requestId: string;
  /** Handler time measured inside the environment, sub-millisecond. */
  readonly durationMs: number;
  /** Peak resident set size of the environment so far, in MB (Lambda's "Max Memory Used"). */
  readonly maxMemoryUsedMB: number;
}

/** environment → sluice: the invocation's outcome. */
export type ResultMessage =
  | (ResultBase & { readonly ok: true; /** The response as JSON text. */ readonly payload: string })
  | (ResultBase & {
      readonly ok: false;
      readonly error: LambdaErrorPayload;
      /** True when the environment exits right after (uncaught exception, unhandled rejection). */
      readonly fatal: boolean;
    });

/**
 * environment → sluice: an invocation that arrived while the environment is ending (an
 * uncaught error after its last answer) was not started. Lambda's runtimes pull their next
 * invocation, so one that is ending never gets any: sluice sends this one to another.
 */
export interface DeclinedMessage {
  readonly type: 'declined';
  readonly requestId: string;
}

/**
 * environment → sluice: an uncaught error arrived while no invocation ran (after the last
 * answer), and the environment is ending. An invocation sent to it from now on does not run.
 */
export interface EndingMessage {
  readonly type: 'ending';
}

export type ChildMessage = ReadyMessage | InitErrorMessage | ResultMessage | DeclinedMessage | EndingMessage;
