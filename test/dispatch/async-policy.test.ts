import { describe, expect, it } from 'vitest';
import { invokeAsync, type AsyncPolicy } from '../../src/dispatch/async-policy.js';
import { createMemoryDestinationSender } from '../../src/dispatch/destinations.js';
import { SluiceError } from '../../src/errors.js';
import type { Invoker, InvokeResult } from '../../src/invokers/invoker.js';
import { silentLogger } from '../../src/log.js';
import { createFakeClock } from '../support/fake-clock.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:thumbs';
const FAILURES = 'arn:aws:sqs:us-east-1:000000000000:failures';
const SUCCESSES = 'arn:aws:sns:us-east-1:000000000000:done';
const EVENT = { Records: [{ eventSource: 'aws:s3' }] };

type Step = 'ok' | 'error' | 'fault';

function harness(script: readonly Step[], policy: Partial<AsyncPolicy> = {}) {
  const clock = createFakeClock();
  const destinations = createMemoryDestinationSender();
  let calls = 0;
  const invoker: Invoker = {
    async invoke(): Promise<InvokeResult> {
      const step = script[Math.min(calls, script.length - 1)];
      calls += 1;
      if (step === 'fault') throw new SluiceError('Throttled', 'rate exceeded', { retryable: true });
      if (step === 'error') {
        return { status: 'function-error', requestId: `req-${calls}`, durationMs: 1, functionError: 'Unhandled', error: { errorType: 'Error', errorMessage: 'bad image' } };
      }
      return { status: 'success', requestId: `req-${calls}`, durationMs: 1, payload: { done: true } };
    },
    close: async () => undefined,
  };
  const deps = {
    invoker,
    policy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21_600, onFailureDestination: FAILURES, ...policy },
    functionArn: FUNCTION_ARN,
    clock,
    logger: silentLogger,
    sendToDestination: destinations.send,
  };
  return { clock, deps, sent: destinations.sent, calls: () => calls };
}

describe('invokeAsync (invocation-async-error-handling, invocation-async-retain-records)', () => {
  it('a success is one attempt, and goes to the on-success destination with the response', async () => {
    const h = harness(['ok'], { onSuccessDestination: SUCCESSES });
    const outcome = await h.clock.run(invokeAsync(EVENT, h.clock.now(), h.deps, new AbortController().signal));
    expect(outcome).toEqual({ kind: 'success', attempts: 1 });
    expect(h.sent).toEqual([
      {
        destination: SUCCESSES,
        document: {
          version: '1.0',
          timestamp: new Date(h.clock.now()).toISOString(),
          requestContext: { requestId: 'req-1', functionArn: `${FUNCTION_ARN}:$LATEST`, condition: 'Success', approximateInvokeCount: 1 },
          requestPayload: EVENT,
          responseContext: { statusCode: 200, executedVersion: '$LATEST' },
          responsePayload: { done: true },
        },
      },
    ]);
  });

  it('a function error is retried twice, about 1 and then 2 minutes later, then RetriesExhausted goes to the on-failure destination', async () => {
    const h = harness(['error']);
    const start = h.clock.now();
    const outcome = await h.clock.run(invokeAsync(EVENT, start, h.deps, new AbortController().signal));
    expect(outcome).toEqual({ kind: 'failure', attempts: 3, condition: 'RetriesExhausted' });
    expect(h.calls()).toBe(3);
    expect(h.clock.sleeps).toEqual([60_000, 120_000]);
    expect(h.sent).toEqual([
      {
        destination: FAILURES,
        document: {
          version: '1.0',
          timestamp: new Date(start + 180_000).toISOString(),
          requestContext: { requestId: 'req-3', functionArn: `${FUNCTION_ARN}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
          requestPayload: EVENT,
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: { errorType: 'Error', errorMessage: 'bad image' },
        },
      },
    ]);
  });

  it.each([0, 1])('maximumRetryAttempts %i: exactly N+1 attempts', async (retries) => {
    const h = harness(['error'], { maximumRetryAttempts: retries });
    const outcome = await h.clock.run(invokeAsync(EVENT, h.clock.now(), h.deps, new AbortController().signal));
    expect(outcome).toEqual({ kind: 'failure', attempts: retries + 1, condition: 'RetriesExhausted' });
  });

  it('an event older than maximumEventAgeInSeconds is not retried: EventAgeExceeded', async () => {
    const h = harness(['error'], { maximumEventAgeInSeconds: 90 });
    const outcome = await h.clock.run(invokeAsync(EVENT, h.clock.now(), h.deps, new AbortController().signal));
    // t=0 fails; t=60 s (60 s old) fails; t=180 s is over 90 s: given up before a third attempt.
    expect(outcome).toEqual({ kind: 'failure', attempts: 2, condition: 'EventAgeExceeded' });
    expect((h.sent[0]?.document as { requestContext: { condition: string } }).requestContext.condition).toBe('EventAgeExceeded');
  });

  it('invoker faults (throttles) are retried with backoff without counting as attempts', async () => {
    const h = harness(['fault', 'fault', 'error', 'ok'], { maximumRetryAttempts: 1 });
    const outcome = await h.clock.run(invokeAsync(EVENT, h.clock.now(), h.deps, new AbortController().signal));
    expect(outcome).toEqual({ kind: 'success', attempts: 2 });
    expect(h.clock.sleeps).toEqual([2_000, 4_000, 60_000]);
  });

  it('abort during a retry wait rejects without a destination document', async () => {
    const h = harness(['error']);
    const controller = new AbortController();
    const pending = invokeAsync(EVENT, h.clock.now(), h.deps, controller.signal);
    await h.clock.sleeping(1);
    controller.abort(new Error('shutdown'));
    await expect(pending).rejects.toThrow('shutdown');
    expect(h.sent).toEqual([]);
  });
});
