/**
 * Errors the Lambda service itself reports for an invocation (as opposed to
 * errors the runtime reports from the handler): timeouts and environments that
 * exited or ran out of memory. All are `Unhandled` function errors.
 */
import type { LambdaErrorPayload } from '../invoker.js';

/** How an execution environment's process ended. */
export interface EnvironmentExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The process reported a JavaScript heap out-of-memory failure. */
  readonly outOfMemory: boolean;
}

/**
 * The payload of an invocation that exceeded the function timeout.
 * Lambda reports `errorType` `Sandbox.Timedout` with the text
 * "Task timed out after 3.00 seconds" (the configured timeout, two decimals).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
 */
export function timeoutError(requestId: string, timeoutSeconds: number): LambdaErrorPayload {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  };
}

/** Go's `exec.ExitError` text, which Lambda's message embeds: `exit status 1`, `signal: killed`. */
function exitText(exit: EnvironmentExit): string {
  if (exit.outOfMemory) return 'signal: killed';
  if (exit.signal !== null) return `signal: ${signalName(exit.signal)}`;
  return `exit status ${exit.code ?? 0}`;
}

function signalName(signal: NodeJS.Signals): string {
  const names: Partial<Record<NodeJS.Signals, string>> = {
    SIGKILL: 'killed',
    SIGTERM: 'terminated',
    SIGABRT: 'aborted',
    SIGSEGV: 'segmentation fault',
    SIGINT: 'interrupt',
  };
  return names[signal] ?? signal;
}

/**
 * The payload of an invocation whose execution environment exited before
 * answering (`process.exit()` in the handler, a native crash) or ran out of
 * memory (`Runtime.OutOfMemory`; the environment's V8 heap is capped at the
 * function's memory size).
 * @see https://repost.aws/knowledge-center/lambda-runtime-error
 */
export function exitError(requestId: string, exit: EnvironmentExit): LambdaErrorPayload {
  return {
    errorType: exit.outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError',
    errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${exitText(exit)}`,
  };
}
