/**
 * The one small interface every invoker implements: a local handler module, the
 * Lambda Invoke API, an HTTP endpoint, a command, or a custom module.
 */

/** Lambda's error payload, as the runtime reports an uncaught error. */
export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

export type InvocationType = 'RequestResponse' | 'Event';

export interface InvokeOptions {
  readonly signal?: AbortSignal;
  readonly invocationType?: InvocationType;
}

/**
 * What an invocation produced. A function error is an expected outcome and is
 * returned; faults of the invoker itself (cannot reach the endpoint, throttled)
 * are thrown as `SluiceError`s (`code` `Throttled` is retryable and is not a
 * function error; `RequestEntityTooLarge` makes streams bisect).
 */
export type InvokeResult =
  | {
      readonly status: 'success';
      readonly requestId: string;
      readonly durationMs: number;
      /** The function's response, parsed from JSON where it was JSON. */
      readonly payload: unknown;
    }
  | {
      readonly status: 'function-error';
      readonly requestId: string;
      readonly durationMs: number;
      /** `Unhandled` for uncaught errors and timeouts, `Handled` when the function reported it. */
      readonly functionError: 'Handled' | 'Unhandled';
      readonly error: LambdaErrorPayload;
    };

export interface Invoker {
  invoke(event: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  /** Proves the function can be invoked (the module loads, the export exists); throws otherwise. */
  check?(): Promise<void>;
  /** Tears down environments and connections. */
  close(): Promise<void>;
}

/** Error codes invokers throw (as `SluiceError.code`). */
export const InvokerErrorCode = {
  Throttled: 'Throttled',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  InvokerUnavailable: 'InvokerUnavailable',
  HandlerLoadFailed: 'HandlerLoadFailed',
} as const;
