import { describe, expect, it } from 'vitest';
import { exitError, timeoutError } from '../../../src/invokers/local/platform-errors.js';

describe('timeoutError', () => {
  // @see https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts
  it.each([
    [3, 'Task timed out after 3.00 seconds'],
    [1, 'Task timed out after 1.00 seconds'],
    [900, 'Task timed out after 900.00 seconds'],
  ])('timeout %i s → "%s"', (seconds, text) => {
    expect(timeoutError('req-1', seconds)).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: req-1 Error: ${text}` });
  });
});

describe('exitError', () => {
  // @see https://repost.aws/knowledge-center/lambda-runtime-error
  it.each([
    [{ code: 1, signal: null, outOfMemory: false }, 'Runtime.ExitError', 'exit status 1'],
    [{ code: 129, signal: null, outOfMemory: false }, 'Runtime.ExitError', 'exit status 129'],
    [{ code: null, signal: 'SIGKILL', outOfMemory: false }, 'Runtime.ExitError', 'signal: killed'],
    [{ code: null, signal: 'SIGSEGV', outOfMemory: false }, 'Runtime.ExitError', 'signal: segmentation fault'],
    [{ code: null, signal: 'SIGABRT', outOfMemory: true }, 'Runtime.OutOfMemory', 'signal: killed'],
  ] as const)('%o → %s (%s)', (exit, errorType, text) => {
    expect(exitError('req-2', exit)).toEqual({ errorType, errorMessage: `RequestId: req-2 Error: Runtime exited with error: ${text}` });
  });
});
