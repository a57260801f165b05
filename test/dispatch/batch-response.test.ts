import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { interpretBatchResponse } from '../../src/dispatch/batch-response.js';
import { streamRecords } from '../support/records.js';

const records = streamRecords(4);
const id = (i: number): string => records[i]?.itemIdentifier ?? '';

describe('interpretBatchResponse (services-kinesis-batchfailurereporting, services-sqs-errorhandling "success and failure conditions")', () => {
  it.each([
    ['null response', null],
    ['undefined response (handler returned nothing)', undefined],
    ['empty object (empty EventResponse)', {}],
    ['empty list (empty EventResponse)', []],
    ['batchItemFailures: null', { batchItemFailures: null }],
    ['batchItemFailures: []', { batchItemFailures: [] }],
    ['batchItemFailures missing, other keys present', { processed: 4 }],
  ])('treats %s as complete success', (_name, payload) => {
    expect(interpretBatchResponse(payload, records)).toEqual({ kind: 'success' });
  });

  it.each([
    ['itemIdentifier missing', { batchItemFailures: [{}] }, /missing, null or empty/],
    ['itemIdentifier null', { batchItemFailures: [{ itemIdentifier: null }] }, /missing, null or empty/],
    ['itemIdentifier empty string', { batchItemFailures: [{ itemIdentifier: '' }] }, /missing, null or empty/],
    ['itemIdentifier not a string', { batchItemFailures: [{ itemIdentifier: 42 }] }, /missing, null or empty/],
    ['itemIdentifier names no record', { batchItemFailures: [{ itemIdentifier: 'nope' }] }, /"nope" names no record/],
    ['a wrong key name', { batchItemFailures: [{ itemIdentifer: id(0) }] }, /missing, null or empty/],
    ['entry not an object', { batchItemFailures: ['x'] }, /missing, null or empty/],
    ['a valid entry then an unknown one', { batchItemFailures: [{ itemIdentifier: id(1) }, { itemIdentifier: 'nope' }] }, /\[1\]/],
    ['batchItemFailures not a list', { batchItemFailures: { itemIdentifier: id(0) } }, /not a list/],
    ['batchItemFailures a string', { batchItemFailures: 'all' }, /not a list/],
    ['a string response', 'ok', /not an object/],
    ['an empty string response', '', /not an object/],
    ['a number response', 0, /not an object/],
    ['a boolean response', false, /not an object/],
    ['a non-empty list response', [{ itemIdentifier: id(0) }], /a list/],
  ])('treats %s as complete failure (invalid)', (_name, payload, reason) => {
    const verdict = interpretBatchResponse(payload, records);
    expect(verdict.kind).toBe('invalid');
    if (verdict.kind === 'invalid') expect(verdict.reason).toMatch(reason);
  });

  it('reports the failed identifiers; duplicates count once', () => {
    const verdict = interpretBatchResponse(
      { batchItemFailures: [{ itemIdentifier: id(2) }, { itemIdentifier: id(0) }, { itemIdentifier: id(2) }] },
      records,
    );
    expect(verdict).toEqual({ kind: 'partial', failedIdentifiers: new Set([id(2), id(0)]) });
  });

  it('property: any subset of known identifiers is a partial verdict with exactly that subset; any unknown one invalidates', () => {
    fc.assert(
      fc.property(fc.subarray(records.map((r) => r.itemIdentifier), { minLength: 1 }), fc.option(fc.string(), { nil: undefined }), (ids, unknown) => {
        const extra = unknown !== undefined && !records.some((r) => r.itemIdentifier === unknown) ? [unknown] : [];
        const verdict = interpretBatchResponse({ batchItemFailures: [...ids, ...extra].map((itemIdentifier) => ({ itemIdentifier })) }, records);
        if (extra.length > 0) return verdict.kind === 'invalid';
        return verdict.kind === 'partial' && verdict.failedIdentifiers.size === ids.length && ids.every((i) => verdict.failedIdentifiers.has(i));
      }),
    );
  });
});
