import type { LambdaErrorPayload } from './invoker.js';

/**
 * Shared helpers for invokers that receive a function's output as text (the
 * Lambda Invoke API, an HTTP endpoint, a command's stdout).
 */

/** The function's response: `null` when empty, the parsed value when it is JSON, else the text itself. */
export function parseJsonOrText(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Reads a value as Lambda's error payload when it has the shape runtimes report:
 * `errorMessage` and/or `errorType` strings, with a `trace` (Node.js) or
 * `stackTrace` (Python, Java) array of strings. Anything else is `undefined`.
 *
 * @example {"errorType":"Error","errorMessage":"boom","trace":["Error: boom","    at handler (index.js:2:9)"]}
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html
 */
export function toLambdaErrorPayload(value: unknown): LambdaErrorPayload | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const errorType = record['errorType'];
  const errorMessage = record['errorMessage'];
  if (typeof errorType !== 'string' && typeof errorMessage !== 'string') return undefined;
  if (errorType !== undefined && typeof errorType !== 'string') return undefined;
  if (errorMessage !== undefined && typeof errorMessage !== 'string') return undefined;
  const trace = stringArray(record['trace']) ?? stringArray(record['stackTrace']);
  return {
    errorType: errorType ?? 'Unhandled',
    errorMessage: errorMessage ?? '',
    ...(trace === undefined ? {} : { trace }),
  };
}

function stringArray(value: unknown): readonly string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.every((item): item is string => typeof item === 'string') ? value : undefined;
}

/**
 * The error Lambda reports when a function runs past its timeout.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
 */
export function timedOutError(requestId: string, timeoutSeconds: number): LambdaErrorPayload {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  };
}

/** `Handled` or `Unhandled`, as the `X-Amz-Function-Error` header says; anything else counts as `Unhandled`. */
export function functionErrorKind(header: string | null | undefined): 'Handled' | 'Unhandled' {
  return header === 'Handled' ? 'Handled' : 'Unhandled';
}

/** The last `maxBytes` bytes of a text, for error messages built from logs. */
export function tail(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  return bytes.subarray(bytes.length - maxBytes).toString('utf8').replace(/^\uFFFD+/, '');
}
