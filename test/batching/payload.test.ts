import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { batchPayloadBytes, isBatchFull, MAX_INVOKE_PAYLOAD_BYTES, nextBatchLength } from '../../src/batching/payload.js';
import { sizedRecord } from '../support/records.js';

/** `{"Records":[]}` */
const ENVELOPE = 14;

describe('batch limits (gettingstarted-limits: 6 MB synchronous invocation payload)', () => {
  it('the limit is 6 MB = 6,291,456 bytes', () => {
    expect(MAX_INVOKE_PAYLOAD_BYTES).toBe(6_291_456);
  });

  it('batchPayloadBytes is the exact length of {"Records":[...]}', () => {
    const records = [sizedRecord('a', 10), sizedRecord('b', 20), sizedRecord('c', 30)];
    // envelope + 3 records + 2 commas
    expect(batchPayloadBytes(records)).toBe(ENVELOPE + 60 + 2);
    expect(batchPayloadBytes([])).toBe(ENVELOPE);
    const real = [{ a: 1 }, { bb: 'é' }];
    const asRecords = real.map((e, i) => ({ ...sizedRecord(String(i), Buffer.byteLength(JSON.stringify(e))), event: e }));
    expect(batchPayloadBytes(asRecords)).toBe(Buffer.byteLength(JSON.stringify({ Records: real })));
  });

  it('closes at batchSize', () => {
    const buffer = Array.from({ length: 25 }, (_, i) => sizedRecord(String(i), 100));
    expect(nextBatchLength(buffer, { maxRecords: 10 })).toBe(10);
    expect(isBatchFull(buffer, { maxRecords: 10 })).toBe(true);
    expect(nextBatchLength(buffer.slice(0, 9), { maxRecords: 10 })).toBe(9);
    expect(isBatchFull(buffer.slice(0, 9), { maxRecords: 10 })).toBe(false);
    expect(isBatchFull(buffer.slice(0, 10), { maxRecords: 10 })).toBe(true);
  });

  it('closes at the 6 MB limit, envelope and commas included: exactly 6,291,456 bytes fits, one more does not', () => {
    // Two records filling the payload exactly: 14 + a + 1 + b = 6,291,456.
    const a = 3_000_000;
    const b = MAX_INVOKE_PAYLOAD_BYTES - ENVELOPE - 1 - a;
    const exact = [sizedRecord('a', a), sizedRecord('b', b), sizedRecord('c', 1)];
    expect(batchPayloadBytes(exact.slice(0, 2))).toBe(MAX_INVOKE_PAYLOAD_BYTES);
    expect(nextBatchLength(exact, { maxRecords: 100 })).toBe(2);
    expect(isBatchFull(exact, { maxRecords: 100 })).toBe(true);
    expect(isBatchFull(exact.slice(0, 2), { maxRecords: 100 })).toBe(false);

    const over = [sizedRecord('a', a), sizedRecord('b', b + 1)];
    expect(nextBatchLength(over, { maxRecords: 100 })).toBe(1);
    expect(isBatchFull(over, { maxRecords: 100 })).toBe(true);
  });

  it('a single record larger than the limit forms a batch of one', () => {
    const buffer = [sizedRecord('huge', MAX_INVOKE_PAYLOAD_BYTES + 1), sizedRecord('small', 10)];
    expect(nextBatchLength(buffer, { maxRecords: 10 })).toBe(1);
    expect(nextBatchLength(buffer.slice(1), { maxRecords: 10 })).toBe(1);
    expect(nextBatchLength([sizedRecord('huge', 10_000_000)], { maxRecords: 10 })).toBe(1);
  });

  it('honours a custom maxPayloadBytes', () => {
    const buffer = Array.from({ length: 5 }, (_, i) => sizedRecord(String(i), 10));
    // 14 + 10 + 1 + 10 = 35; a third record needs 46.
    expect(nextBatchLength(buffer, { maxRecords: 10, maxPayloadBytes: 45 })).toBe(2);
    expect(nextBatchLength(buffer, { maxRecords: 10, maxPayloadBytes: 46 })).toBe(3);
  });

  it('an empty buffer is an empty, not full, batch', () => {
    expect(nextBatchLength([], { maxRecords: 10 })).toBe(0);
    expect(isBatchFull([], { maxRecords: 10 })).toBe(false);
  });

  it('property: the batch is the longest prefix within both limits (at least one record)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3_000_000 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 20 }),
        (sizes, maxRecords) => {
          const buffer = sizes.map((s, i) => sizedRecord(String(i), s));
          const n = nextBatchLength(buffer, { maxRecords });
          if (buffer.length === 0) return n === 0;
          const fits = (k: number): boolean => k <= maxRecords && batchPayloadBytes(buffer.slice(0, k)) <= MAX_INVOKE_PAYLOAD_BYTES;
          return n >= 1 && n <= Math.min(maxRecords, buffer.length) && (n === 1 || fits(n)) && (n === Math.min(maxRecords, buffer.length) || !fits(n + 1));
        },
      ),
    );
  });
});
