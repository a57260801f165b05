import { describe, expect, it } from 'vitest';
import { formatNextFireTimes, nextFireTimes } from '../../src/schedule/next-fire-times.js';

const from = new Date('2025-03-28T12:00:00Z'); // a Friday, two days before Paris moves to summer time

describe('nextFireTimes', () => {
  it('defaults to five fire times in UTC', () => {
    expect(nextFireTimes('cron(0 9 ? * MON-FRI *)', { from }).map((d) => d.toISOString())).toEqual([
      '2025-03-31T09:00:00.000Z',
      '2025-04-01T09:00:00.000Z',
      '2025-04-02T09:00:00.000Z',
      '2025-04-03T09:00:00.000Z',
      '2025-04-04T09:00:00.000Z',
    ]);
  });

  it('anchors a rate at `from` unless told otherwise', () => {
    expect(nextFireTimes('rate(1 hour)', { from, count: 2 }).map((d) => d.toISOString())).toEqual([
      '2025-03-28T13:00:00.000Z',
      '2025-03-28T14:00:00.000Z',
    ]);
    const anchor = new Date('2025-03-28T11:20:00Z');
    expect(nextFireTimes('rate(1 hour)', { from, count: 2, anchor }).map((d) => d.toISOString())).toEqual([
      '2025-03-28T12:20:00.000Z',
      '2025-03-28T13:20:00.000Z',
    ]);
  });

  it('returns fewer when the schedule ends', () => {
    expect(nextFireTimes('at(2025-04-01T00:00:00)', { from, count: 3 })).toHaveLength(1);
    expect(nextFireTimes('cron(0 0 1 1 ? 2026-2027)', { from, count: 5 })).toHaveLength(2);
  });

  it.each([0, -1, 1.5, 1001])('rejects count %s', (count) => {
    expect(() => nextFireTimes('rate(1 hour)', { from, count })).toThrow(
      expect.objectContaining({ code: 'InvalidArgument', message: `count must be a whole number from 1 to 1000, got ${count}` }),
    );
  });

  it('throws InvalidScheduleExpression for a bad expression', () => {
    expect(() => nextFireTimes('cron(0 9 * * MON *)', { from })).toThrow(expect.objectContaining({ code: 'InvalidScheduleExpression' }));
  });
});

describe('formatNextFireTimes', () => {
  it('prints UTC then the local time with its offset, across a daylight-saving change', () => {
    const friday = new Date('2025-03-28T00:00:00Z');
    expect(formatNextFireTimes('cron(0 9 ? * MON-FRI *)', { from: friday, timezone: 'Europe/Paris', count: 2 })).toEqual([
      '2025-03-28T08:00:00.000Z  2025-03-28T09:00:00+01:00 Fri Europe/Paris',
      '2025-03-31T07:00:00.000Z  2025-03-31T09:00:00+02:00 Mon Europe/Paris',
    ]);
  });

  it('prints UTC twice when the zone is UTC', () => {
    expect(formatNextFireTimes('cron(15 10 ? * 6L *)', { from, count: 1 })).toEqual([
      '2025-04-25T10:15:00.000Z  2025-04-25T10:15:00+00:00 Fri UTC',
    ]);
  });

  it('says so when there is no fire time left', () => {
    expect(formatNextFireTimes('at(2020-01-01T00:00:00)', { from })).toEqual([
      'at(2020-01-01T00:00:00) has no fire time after 2025-03-28T12:00:00.000Z',
    ]);
  });
});
