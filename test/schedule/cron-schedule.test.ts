import { describe, expect, it } from 'vitest';
import { nextFireTimes } from '../../src/schedule/next-fire-times.js';
import { parseScheduleExpression } from '../../src/schedule/parse-schedule-expression.js';

/** The next `count` fire times after `from`, as ISO UTC strings. */
function fires(expression: string, from: string, count: number, timezone = 'UTC'): string[] {
  return nextFireTimes(expression, { from: new Date(from), count, timezone }).map((d) => d.toISOString());
}

const z = (isoMinute: string): string => `${isoMinute}:00.000Z`;

// Calendar facts used below: 2025-01-01 is a Wednesday; 2025-01-03 a Friday; 2025-02-01 and
// 2025-03-01 Saturdays; 2025-06-01 a Sunday; 2028-02-29 exists; 2100 is not a leap year.
describe('every example on the EventBridge cron pages', () => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html (Examples table and CLI examples)
  it.each([
    ['cron(0 10 * * ? *)', 'Run at 10:00 am (UTC+0) every day', '2025-01-01T00:00:00Z', ['2025-01-01T10:00', '2025-01-02T10:00', '2025-01-03T10:00']],
    ['cron(15 12 * * ? *)', 'Run at 12:15 pm (UTC+0) every day', '2025-01-01T12:15:00Z', ['2025-01-02T12:15', '2025-01-03T12:15']],
    ['cron(0 18 ? * MON-FRI *)', 'Run at 6:00 pm (UTC+0) every Monday through Friday', '2025-01-03T19:00:00Z', ['2025-01-06T18:00', '2025-01-07T18:00']],
    ['cron(0 8 1 * ? *)', 'Run at 8:00 am (UTC+0) every 1st day of the month', '2025-01-01T08:00:00Z', ['2025-02-01T08:00', '2025-03-01T08:00']],
    ['cron(0/15 * * * ? *)', 'Run every 15 minutes', '2025-01-01T00:07:30Z', ['2025-01-01T00:15', '2025-01-01T00:30', '2025-01-01T00:45', '2025-01-01T01:00']],
    ['cron(0/10 * ? * MON-FRI *)', 'Run every 10 minutes Monday through Friday', '2025-01-03T23:45:00Z', ['2025-01-03T23:50', '2025-01-06T00:00', '2025-01-06T00:10']],
    [
      'cron(0/5 8-17 ? * MON-FRI *)',
      'Run every 5 minutes Monday through Friday between 8:00 am and 5:55 pm (UTC+0)',
      '2025-01-03T17:52:00Z',
      ['2025-01-03T17:55', '2025-01-06T08:00', '2025-01-06T08:05'],
    ],
    [
      'cron(0/30 20-2 ? * MON-FRI *)',
      'Run every 30 minutes Monday through Friday between 10:00 pm on the starting day to 2:00 am on the following day; from 12:00 am to 2:00 am on Monday morning',
      '2025-01-03T23:00:00Z',
      ['2025-01-03T23:30', '2025-01-06T00:00', '2025-01-06T00:30', '2025-01-06T01:00', '2025-01-06T01:30', '2025-01-06T02:00', '2025-01-06T02:30', '2025-01-06T20:00'],
    ],
    ['cron(0 9 ? * 2#1 *)', 'Run at 9:00 am (UTC) on the first Monday of each month', '2025-01-01T00:00:00Z', ['2025-01-06T09:00', '2025-02-03T09:00', '2025-03-03T09:00']],
    ['cron(0 12 * * ? *)', 'runs every day at 12:00pm UTC+0', '2025-01-01T12:00:00Z', ['2025-01-02T12:00']],
    ['cron(5,35 14 * * ? *)', 'runs every day, at 2:05pm and 2:35pm UTC+0', '2025-01-01T14:05:00Z', ['2025-01-01T14:35', '2025-01-02T14:05']],
    [
      'cron(15 10 ? * 6L 2019-2022)',
      'runs at 10:15am UTC+0 on the last Friday of each month during the years 2019 to 2022',
      '2018-06-01T00:00:00Z',
      ['2019-01-25T10:15', '2019-02-22T10:15'],
    ],
  ] as const)('%s: %s', (expression, _meaning, from, expected) => {
    expect(fires(expression, from, expected.length)).toEqual(expected.map(z));
  });

  it('cron(15 10 ? * 6L 2019-2022) stops after the last Friday of 2022', () => {
    expect(fires('cron(15 10 ? * 6L 2019-2022)', '2022-10-01T00:00:00Z', 5)).toEqual(
      ['2022-10-28T10:15', '2022-11-25T10:15', '2022-12-30T10:15'].map(z),
    );
    expect(parseScheduleExpression('cron(15 10 ? * 6L 2019-2022)').next(new Date('2022-12-30T10:15:00Z'))).toBeUndefined();
  });
});

describe('day-of-month: L, LW, W, short months and leap years', () => {
  it.each([
    ['L in a leap February', 'cron(0 0 L * ? *)', '2024-01-31T00:00:00Z', ['2024-02-29', '2024-03-31', '2024-04-30']],
    ['L in a common February', 'cron(0 0 L * ? *)', '2025-01-31T00:00:00Z', ['2025-02-28', '2025-03-31']],
    ['L in February 2028', 'cron(0 0 L 2 ? *)', '2027-03-01T00:00:00Z', ['2028-02-29', '2029-02-28']],
    ['L in February 2100, not a leap year', 'cron(0 0 L 2 ? *)', '2100-01-01T00:00:00Z', ['2100-02-28']],
    ['29 February waits for the next leap year', 'cron(0 0 29 2 ? *)', '2025-01-01T00:00:00Z', ['2028-02-29', '2032-02-29']],
    ['29 February skips 2100', 'cron(0 0 29 2 ? *)', '2096-03-01T00:00:00Z', ['2104-02-29']],
    ['the 31st skips short months', 'cron(0 0 31 * ? *)', '2025-01-31T00:00:00Z', ['2025-03-31', '2025-05-31', '2025-07-31', '2025-08-31', '2025-10-31']],
    ['LW: last weekday, the 31st a Saturday then a Sunday', 'cron(0 0 LW * ? *)', '2025-05-01T00:00:00Z', ['2025-05-30', '2025-06-30', '2025-07-31', '2025-08-29']],
    ['1W on a Saturday the 1st is Monday the 3rd, not the previous month', 'cron(0 0 1W * ? *)', '2025-01-15T00:00:00Z', ['2025-02-03', '2025-03-03', '2025-04-01']],
    ['1W on a Sunday the 1st is Monday the 2nd', 'cron(0 0 1W * ? *)', '2025-05-15T00:00:00Z', ['2025-06-02']],
    ['15W on a Saturday is Friday the 14th', 'cron(0 0 15W * ? *)', '2025-02-01T00:00:00Z', ['2025-02-14']],
    ['15W on a Sunday is Monday the 16th', 'cron(0 0 15W * ? *)', '2025-06-01T00:00:00Z', ['2025-06-16']],
    ['15W on a weekday is the 15th', 'cron(0 0 15W * ? *)', '2025-01-01T00:00:00Z', ['2025-01-15']],
    ['31W: Saturday 31st → Friday 30th, no 31st in June, Sunday 31st → Friday 29th', 'cron(0 0 31W * ? *)', '2025-05-01T00:00:00Z', ['2025-05-30', '2025-07-31', '2025-08-29']],
    ['3W, the doc example', 'cron(0 0 3W * ? *)', '2025-05-01T00:00:00Z', ['2025-05-02', '2025-06-03']],
    ['day-of-month increments', 'cron(0 0 1/10 * ? *)', '2025-01-01T00:00:00Z', ['2025-01-11', '2025-01-21', '2025-01-31', '2025-02-01']],
    ['day-of-month wrapping range 30-2', 'cron(0 0 30-2 * ? *)', '2025-01-29T00:00:00Z', ['2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02', '2025-03-01']],
  ] as const)('%s: %s', (_name, expression, from, days) => {
    expect(fires(expression, from, days.length)).toEqual(days.map((d) => `${d}T00:00:00.000Z`));
  });
});

describe('day-of-week: names, ranges, L and #', () => {
  it.each([
    ['3#2 is the second Tuesday', 'cron(0 0 ? * 3#2 *)', '2025-01-01T00:00:00Z', ['2025-01-14', '2025-02-11']],
    ['MON#1 equals 2#1', 'cron(0 0 ? * MON#1 *)', '2025-01-01T00:00:00Z', ['2025-01-06', '2025-02-03']],
    ['6#5 fires only in months with five Fridays', 'cron(0 0 ? * 6#5 *)', '2025-01-01T00:00:00Z', ['2025-01-31', '2025-05-30']],
    ['5L is the last Thursday', 'cron(0 0 ? * 5L *)', '2025-11-01T00:00:00Z', ['2025-11-27', '2025-12-25']],
    ['1L is the last Sunday', 'cron(0 0 ? * 1L *)', '2025-03-01T00:00:00Z', ['2025-03-30', '2025-04-27']],
    ['L alone is the last day of every week, Saturday', 'cron(0 0 ? * L *)', '2025-01-01T00:00:00Z', ['2025-01-04', '2025-01-11']],
    ['names are case-insensitive', 'cron(0 0 ? * sat,sun *)', '2025-01-01T00:00:00Z', ['2025-01-04', '2025-01-05', '2025-01-11']],
    ['a wrapping range FRI-MON', 'cron(0 0 ? * FRI-MON *)', '2025-01-01T00:00:00Z', ['2025-01-03', '2025-01-04', '2025-01-05', '2025-01-06', '2025-01-10']],
    ['numbers: 1 is Sunday, 7 is Saturday', 'cron(0 0 ? * 1,7 *)', '2025-01-01T00:00:00Z', ['2025-01-04', '2025-01-05', '2025-01-11']],
  ] as const)('%s: %s', (_name, expression, from, days) => {
    expect(fires(expression, from, days.length)).toEqual(days.map((d) => `${d}T00:00:00.000Z`));
  });
});

describe('minutes, hours, months and years', () => {
  it.each([
    ['a range with an increment', 'cron(10-50/10 * * * ? *)', '2025-01-01T00:00:00Z', ['2025-01-01T00:10', '2025-01-01T00:20', '2025-01-01T00:30', '2025-01-01T00:40', '2025-01-01T00:50', '2025-01-01T01:10']],
    ['*/20', 'cron(*/20 * * * ? *)', '2025-01-01T00:00:00Z', ['2025-01-01T00:20', '2025-01-01T00:40', '2025-01-01T01:00']],
    ['1/10 from the doc: the 11th, 21st, 31st minute', 'cron(1/10 * * * ? *)', '2025-01-01T00:05:00Z', ['2025-01-01T00:11', '2025-01-01T00:21', '2025-01-01T00:31']],
    ['every 4 hours with 0/4', 'cron(0 0/4 * * ? *)', '2025-01-01T00:00:00Z', ['2025-01-01T04:00', '2025-01-01T08:00', '2025-01-01T12:00']],
    ['a wrapping minute range', 'cron(58-1 * * * ? *)', '2025-01-01T00:30:00Z', ['2025-01-01T00:58', '2025-01-01T00:59', '2025-01-01T01:00', '2025-01-01T01:01', '2025-01-01T01:58']],
    ['a wrapping hour range with an increment, 20-2/2', 'cron(0 20-2/2 * * ? *)', '2025-01-01T12:00:00Z', ['2025-01-01T20:00', '2025-01-01T22:00', '2025-01-02T00:00', '2025-01-02T02:00', '2025-01-02T20:00']],
    ['a wrapping month range NOV-FEB', 'cron(0 0 1 NOV-FEB ? *)', '2025-03-01T00:00:00Z', ['2025-11-01T00:00', '2025-12-01T00:00', '2026-01-01T00:00', '2026-02-01T00:00', '2026-11-01T00:00']],
    ['month increments JAN/6', 'cron(0 0 1 JAN/6 ? *)', '2025-01-01T00:00:00Z', ['2025-07-01T00:00', '2026-01-01T00:00']],
    ['a year list', 'cron(0 0 1 1 ? 2030,2032)', '2025-01-01T00:00:00Z', ['2030-01-01T00:00', '2032-01-01T00:00']],
    ['year increments 2024/4', 'cron(0 0 1 1 ? 2024/4)', '2025-01-01T00:00:00Z', ['2028-01-01T00:00', '2032-01-01T00:00']],
    ['the last minute the year field allows', 'cron(59 23 31 12 ? *)', '2199-12-30T00:00:00Z', ['2199-12-31T23:59']],
  ] as const)('%s: %s', (_name, expression, from, expected) => {
    expect(fires(expression, from, expected.length)).toEqual(expected.map(z));
  });

  it.each([
    ['a year range that has ended', 'cron(0 0 1 1 ? 2020-2024)', '2025-01-01T00:00:00Z'],
    ['past 2199, the last year the field allows', 'cron(0 0 * * ? *)', '2199-12-31T00:00:00Z'],
    ['30 February never exists', 'cron(0 0 30 2 ? *)', '1970-01-01T00:00:00Z'],
  ] as const)('no fire time: %s (%s)', (_name, expression, from) => {
    const started = performance.now();
    expect(parseScheduleExpression(expression).next(new Date(from))).toBeUndefined();
    // Field arithmetic, not a minute-by-minute walk across 230 years.
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('is strictly after: a fire time equal to `after` is not returned', () => {
    const schedule = parseScheduleExpression('cron(0 10 * * ? *)');
    expect(schedule.next(new Date('2025-01-01T10:00:00.000Z'))?.toISOString()).toBe('2025-01-02T10:00:00.000Z');
    expect(schedule.next(new Date('2025-01-01T09:59:59.999Z'))?.toISOString()).toBe('2025-01-01T10:00:00.000Z');
  });

  it('returns undefined for an invalid date', () => {
    expect(parseScheduleExpression('cron(0 10 * * ? *)').next(new Date(Number.NaN))).toBeUndefined();
  });
});
