import { describe, expect, it } from 'vitest';
import { FailureReason, invokeBatch, type InvocationReport } from '../../src/dispatch/invoke-batch.js';
import { SluiceError } from '../../src/errors.js';
import type { Invoker, InvokeResult } from '../../src/invokers/invoker.js';
import { silentLogger } from '../../src/log.js';
import { streamRecords } from '../support/records.js';

const records = streamRecords(4);

function invoker(result: InvokeResult | Error): Invoker & { events: unknown[] } {
  const events: unknown[] = [];
  return {
    events,
    async invoke(event) {
      events.push(event);
      if (result instanceof Error) throw result;
      return result;
    },
    close: async () => undefined,
  };
}
const ok = (payload: unknown): InvokeResult => ({ status: 'success', requestId: 'r1', durationMs: 1, payload });

describe('invokeBatch', () => {
  it('sends {Records:[...]} (plus extra fields) and reports the invocation', async () => {
    const target = invoker(ok(null));
    const reports: InvocationReport[] = [];
    const outcome = await invokeBatch(
      { mapping: 'm', invoker: target, reportBatchItemFailures: false, logger: silentLogger, observe: (r) => reports.push(r), shardId: 's' },
      records,
      { extra: { window: { start: 'x' } } },
    );
    expect(target.events).toEqual([{ Records: records.map((r) => r.event), window: { start: 'x' } }]);
    expect(outcome).toEqual({ kind: 'success', response: null, requestId: 'r1' });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ mapping: 'm', shardId: 's', records, outcome, response: null });
  });

  it('without ReportBatchItemFailures a batchItemFailures response is ignored (Lambda does not read it)', async () => {
    const outcome = await invokeBatch(
      { mapping: 'm', invoker: invoker(ok({ batchItemFailures: [{ itemIdentifier: records[1]?.itemIdentifier }] })), reportBatchItemFailures: false, logger: silentLogger },
      records,
    );
    expect(outcome.kind).toBe('success');
  });

  it('with ReportBatchItemFailures, partial failures come back as records in batch order', async () => {
    const response = { batchItemFailures: [3, 1].map((i) => ({ itemIdentifier: records[i]?.itemIdentifier })) };
    const outcome = await invokeBatch({ mapping: 'm', invoker: invoker(ok(response)), reportBatchItemFailures: true, logger: silentLogger }, records);
    expect(outcome).toEqual({ kind: 'partial', failed: [records[1], records[3]], response, requestId: 'r1' });
  });

  it('an invalid batch response fails the whole batch', async () => {
    const outcome = await invokeBatch(
      { mapping: 'm', invoker: invoker(ok({ batchItemFailures: [{ itemIdentifier: '' }] })), reportBatchItemFailures: true, logger: silentLogger },
      records,
    );
    expect(outcome).toMatchObject({ kind: 'failure', reason: FailureReason.InvalidResponse });
  });

  it('a function error is a FunctionError failure carrying the error payload', async () => {
    const error = { errorType: 'Error', errorMessage: 'boom' };
    const outcome = await invokeBatch(
      { mapping: 'm', invoker: invoker({ status: 'function-error', requestId: 'r2', durationMs: 1, functionError: 'Unhandled', error }), reportBatchItemFailures: true, logger: silentLogger },
      records,
    );
    expect(outcome).toEqual({ kind: 'failure', reason: 'FunctionError', message: 'Error: boom', requestId: 'r2', functionError: 'Unhandled', error });
  });

  it.each([
    ['RequestEntityTooLarge', FailureReason.PayloadTooLarge],
    ['Throttled', FailureReason.InvokerError],
    ['InvokerUnavailable', FailureReason.InvokerError],
  ])('an invoker fault %s becomes %s', async (code, reason) => {
    const outcome = await invokeBatch({ mapping: 'm', invoker: invoker(new SluiceError(code, code)), reportBatchItemFailures: false, logger: silentLogger }, records);
    expect(outcome).toMatchObject({ kind: 'failure', reason });
  });

  it('an aborted invoke rethrows instead of reporting an outcome', async () => {
    const controller = new AbortController();
    controller.abort(new Error('grace period over'));
    await expect(
      invokeBatch({ mapping: 'm', invoker: invoker(new Error('aborted')), reportBatchItemFailures: false, logger: silentLogger }, records, { signal: controller.signal }),
    ).rejects.toThrow('aborted');
  });
});
