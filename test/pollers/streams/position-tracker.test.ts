import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPositionTracker } from '../../../pollers/streams/position-tracker.js';
import { streamRecords } from '../../support/records.js';

describe('createPositionTracker', () => {
  it('moves only past a done prefix: a later batch finishing first does not move the checkpoint', () => {
    const records = streamRecords(6);
    const tracker = createPositionTracker();
    tracker.add(records);
    expect(tracker.outstanding).toBe(6);
    tracker.done(records.slice(3));
    expect(tracker.advance()).toBeUndefined();
    tracker.done(records.slice(0, 2));
    expect(tracker.advance()).toBe(records[1]?.sequenceNumber);
    expect(tracker.advance()).toBeUndefined();
    tracker.done([records[2] as (typeof records)[number]]);
    expect(tracker.advance()).toBe(records[5]?.sequenceNumber);
    expect(tracker.outstanding).toBe(0);
  });

  it('keeps working across its internal compaction (more than 4,096 records)', () => {
    const records = streamRecords(10_000);
    const tracker = createPositionTracker();
    tracker.add(records);
    for (let i = 0; i < records.length; i += 100) {
      tracker.done(records.slice(i, i + 100));
      expect(tracker.advance()).toBe(records[i + 99]?.sequenceNumber);
    }
    expect(tracker.outstanding).toBe(0);
    tracker.add(streamRecords(2, { from: 10_000 }));
    expect(tracker.outstanding).toBe(2);
  });

  it('property: the position is always the last record of the longest done prefix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }).chain((n) => fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n }))), ([n, order]) => {
        const records = streamRecords(n);
        const tracker = createPositionTracker();
        tracker.add(records);
        const done = new Set<number>();
        let position: string | undefined;
        for (const i of order) {
          done.add(i);
          tracker.done([records[i] as (typeof records)[number]]);
          position = tracker.advance() ?? position;
          let prefix = 0;
          while (done.has(prefix)) prefix += 1;
          const expected = prefix === 0 ? undefined : records[prefix - 1]?.sequenceNumber;
          if (position !== expected) return false;
        }
        return tracker.outstanding === 0;
      }),
    );
  });
});
