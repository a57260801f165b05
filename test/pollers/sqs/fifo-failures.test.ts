import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fifoFailures } from '../../../pollers/sqs/fifo-failures.js';
import type { PipelineRecord } from '../../../src/records.js';

const rec = (id: string, group?: string): PipelineRecord => ({
  source: 'sqs',
  itemIdentifier: id,
  event: {},
  sizeBytes: 1,
  arrivalTime: 0,
  ...(group === undefined ? {} : { orderingKey: group }),
});

describe('fifoFailures (services-sqs-errorhandling: FIFO partial batch responses)', () => {
  const batch = [rec('a1', 'A'), rec('b1', 'B'), rec('a2', 'A'), rec('a3', 'A'), rec('b2', 'B')];
  const ids = (records: readonly PipelineRecord[]) => records.map((r) => r.itemIdentifier);

  it.each([
    ['nothing failed', [], [], []],
    ['a later message of the failed group fails too', ['a2'], ['a2', 'a3'], ['a3']],
    ['a failure fails only its own group', ['b1'], ['b1', 'b2'], ['b2']],
    ['the function already reported the rest', ['a2', 'a3'], ['a2', 'a3'], []],
    ['earlier messages of the group stay processed', ['a3'], ['a3'], []],
  ])('%s', (_name, reported, failed, added) => {
    const result = fifoFailures(batch, batch.filter((r) => reported.includes(r.itemIdentifier)));
    expect(ids(result.failed)).toEqual(failed);
    expect(ids(result.added)).toEqual(added);
  });

  it('property: the failed messages of each group are a suffix of its messages in the batch, containing every reported one', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('A', 'B', 'C'), fc.boolean()), { maxLength: 20 }), (spec) => {
        const records = spec.map(([g], i) => rec(`m${i}`, g));
        const reported = records.filter((_, i) => spec[i]?.[1] === true);
        const { failed } = fifoFailures(records, reported);
        const failedSet = new Set(failed);
        for (const r of reported) expect(failedSet.has(r)).toBe(true);
        for (const group of ['A', 'B', 'C']) {
          const flags = records.filter((r) => r.orderingKey === group).map((r) => failedSet.has(r));
          const first = flags.indexOf(true);
          if (first >= 0) expect(flags.slice(first).every(Boolean)).toBe(true);
        }
      }),
    );
  });
});
