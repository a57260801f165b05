/**
 * Errors as the Lambda Node.js runtime reports them, inside an execution environment.
 *
 * `toLambdaError` mirrors the runtime's conversion: a native error (or an
 * error-like object with string `name`, `message` and `stack`) becomes
 * `{ errorType: name, errorMessage: message, trace: stack lines }`; anything
 * else (a thrown string, a number) becomes `{ errorType: typeof value,
 * errorMessage: String(value), trace: [] }`, so `throw "x"` gives errorType
 * `string`.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html
 * @see https://github.com/aws/aws-lambda-nodejs-runtime-interface-client (Errors.js, toRapidResponse)
 */
import { types } from 'node:util';
import type { LambdaErrorPayload } from '../../invoker.js';

/** Error types the runtime itself raises, named as Lambda names them. */
export const RuntimeErrorType = {
  ImportModuleError: 'Runtime.ImportModuleError',
  HandlerNotFound: 'Runtime.HandlerNotFound',
  UserCodeSyntaxError: 'Runtime.UserCodeSyntaxError',
  UnhandledPromiseRejection: 'Runtime.UnhandledPromiseRejection',
  NodeJsExit: 'Runtime.NodeJsExit',
} as const;
export type RuntimeErrorType = (typeof RuntimeErrorType)[keyof typeof RuntimeErrorType];

/** An error raised by the runtime, with Lambda's `Runtime.*` name. */
export class RuntimeError extends Error {
  override readonly name: RuntimeErrorType;

  constructor(name: RuntimeErrorType, message: string, stack?: string) {
    super(message);
    this.name = name;
    if (stack !== undefined) this.stack = stack;
  }
}

/** The message of the runtime's NodeJsExit error. */
export const NODE_JS_EXIT_MESSAGE = 'Lambda runtime client detected an unexpected Node.js exit code.';

interface ErrorLike {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
}

function isErrorLike(value: unknown): value is ErrorLike {
  if (typeof value !== 'object' || value === null) return false;
  const { name, message, stack } = value as Record<string, unknown>;
  return typeof name === 'string' && name !== '' && typeof message === 'string' && typeof stack === 'string';
}

/** Lambda's error payload for a thrown value, a rejection reason or a callback error. */
export function toLambdaError(value: unknown): LambdaErrorPayload {
  try {
    if (types.isNativeError(value) || isErrorLike(value)) {
      const { name, message, stack } = value as Error;
      return { errorType: name, errorMessage: message, trace: typeof stack === 'string' ? stack.split('\n') : [] };
    }
    return { errorType: typeof value, errorMessage: String(value), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}

/** The runtime's `Runtime.UnhandledPromiseRejection`: the reason, as text, is the message. */
export function unhandledRejection(reason: unknown): RuntimeError {
  let message: string;
  try {
    message = String(reason);
  } catch {
    message = 'Unhandled promise rejection';
  }
  return new RuntimeError(RuntimeErrorType.UnhandledPromiseRejection, message);
}

/** The text the runtime logs after `Invoke Error`: a tab, then the error as JSON. */
export function formatForLog(value: unknown): string {
  const payload = toLambdaError(value);
  return `\t${JSON.stringify({ errorType: payload.errorType, errorMessage: payload.errorMessage, stack: payload.trace })}`;
}
