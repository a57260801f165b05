import { describe, expect, it } from 'vitest';
import { nextFireTimes } from '../../src/schedule/next-fire-times.js';
import { parseScheduleExpression } from '../../src/schedule/parse-schedule-expression.js';
import { formatLocalIso, instantsForWallTime, offsetAt, resolveWallTime } from '../../src/schedule/time-zone.js';

function fires(expression: string, timezone: string, from: string, count: number): string[] {
  return nextFireTimes(expression, { from: new Date(from), count, timezone }).map((d) => d.toISOString());
}

const wall = (year: number, month: number, day: number, hour: number, minute: number) => ({ year, month, day, hour, minute, second: 0 });
const iso = (ms: number): string => new Date(ms).toISOString();

// Transitions used below (from the IANA database):
// Europe/Paris      2025-03-30 02:00 CET → 03:00 CEST (01:00Z); 2025-10-26 03:00 CEST → 02:00 CET (01:00Z)
// America/New_York  2025-03-09 02:00 EST → 03:00 EDT (07:00Z); 2025-11-02 02:00 EDT → 01:00 EST (06:00Z)
describe('wall times and instants', () => {
  it.each([
    ['an ordinary time', 'Europe/Paris', wall(2025, 1, 15, 9, 0), ['2025-01-15T08:00:00.000Z']],
    ['a time in the spring-forward gap does not exist', 'Europe/Paris', wall(2025, 3, 30, 2, 30), []],
    ['a time in the fall-back overlap happens twice', 'Europe/Paris', wall(2025, 10, 26, 2, 30), ['2025-10-26T00:30:00.000Z', '2025-10-26T01:30:00.000Z']],
    ['New York gap', 'America/New_York', wall(2025, 3, 9, 2, 0), []],
    ['New York overlap', 'America/New_York', wall(2025, 11, 2, 1, 0), ['2025-11-02T05:00:00.000Z', '2025-11-02T06:00:00.000Z']],
    ['a 45-minute offset', 'Asia/Kathmandu', wall(2025, 6, 1, 12, 0), ['2025-06-01T06:15:00.000Z']],
    ['a 30-minute daylight shift', 'Australia/Lord_Howe', wall(2025, 4, 6, 1, 45), ['2025-04-05T14:45:00.000Z', '2025-04-05T15:15:00.000Z']],
    ['UTC', 'UTC', wall(2025, 3, 30, 2, 30), ['2025-03-30T02:30:00.000Z']],
  ] as const)('%s (%s)', (_name, timezone, w, expected) => {
    expect(instantsForWallTime(w, timezone).map(iso)).toEqual(expected);
  });

  it('resolves a one-time wall time like java.time: later by the gap, or the first of two', () => {
    expect(iso(resolveWallTime(wall(2025, 3, 9, 2, 30), 'America/New_York'))).toBe('2025-03-09T07:30:00.000Z');
    expect(iso(resolveWallTime(wall(2025, 11, 2, 1, 30), 'America/New_York'))).toBe('2025-11-02T05:30:00.000Z');
  });

  it('reads offsets and formats local times', () => {
    expect(offsetAt(Date.parse('2025-07-01T00:00:00Z'), 'Europe/Paris')).toBe(7_200_000);
    expect(offsetAt(Date.parse('2025-01-01T00:00:00Z'), 'America/New_York')).toBe(-18_000_000);
    expect(formatLocalIso(Date.parse('2025-03-30T01:00:00Z'), 'Europe/Paris')).toBe('2025-03-30T03:00:00+02:00');
    expect(formatLocalIso(Date.parse('2025-06-01T06:15:00Z'), 'Asia/Kathmandu')).toBe('2025-06-01T12:00:00+05:45');
    expect(formatLocalIso(Date.parse('2025-01-01T05:00:00Z'), 'America/New_York')).toBe('2025-01-01T00:00:00-05:00');
  });
});

// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time
// "When the time shifts forward in Spring, your schedule invocation gets skipped if the cron expression falls on a
// non-existent date and time. When the time shifts back in the Fall, your schedule runs only once."
describe('cron across daylight-saving changes, as EventBridge Scheduler', () => {
  it.each([
    [
      'Paris: 02:30 does not exist on 30 March, so that day is skipped',
      'cron(30 2 * * ? *)', 'Europe/Paris', '2025-03-29T00:00:00Z',
      ['2025-03-29T01:30:00.000Z', '2025-03-31T00:30:00.000Z'],
    ],
    [
      'Paris: 02:30 happens twice on 26 October and fires once, the first time',
      'cron(30 2 * * ? *)', 'Europe/Paris', '2025-10-25T00:00:00Z',
      ['2025-10-25T00:30:00.000Z', '2025-10-26T00:30:00.000Z', '2025-10-27T01:30:00.000Z'],
    ],
    [
      'Paris: every 30 minutes jumps from 01:30 CET to 03:00 CEST',
      'cron(0/30 * * * ? *)', 'Europe/Paris', '2025-03-30T00:20:00Z',
      ['2025-03-30T00:30:00.000Z', '2025-03-30T01:00:00.000Z', '2025-03-30T01:30:00.000Z'],
    ],
    [
      'Paris: every 15 minutes does not repeat the hour 02:00-02:59',
      'cron(0/15 * * * ? *)', 'Europe/Paris', '2025-10-26T00:40:00Z',
      ['2025-10-26T00:45:00.000Z', '2025-10-26T02:00:00.000Z', '2025-10-26T02:15:00.000Z'],
    ],
    [
      'New York: 02:30 does not exist on 9 March',
      'cron(30 2 * * ? *)', 'America/New_York', '2025-03-08T00:00:00Z',
      ['2025-03-08T07:30:00.000Z', '2025-03-10T06:30:00.000Z'],
    ],
    [
      'New York: 01:30 fires once on 2 November, at 01:30 EDT',
      'cron(30 1 * * ? *)', 'America/New_York', '2025-11-01T00:00:00Z',
      ['2025-11-01T05:30:00.000Z', '2025-11-02T05:30:00.000Z', '2025-11-03T06:30:00.000Z'],
    ],
    [
      'New York: hourly fires at 01:00 EDT, not again at 01:00 EST, then 02:00 EST',
      'cron(0 * * * ? *)', 'America/New_York', '2025-11-02T04:30:00Z',
      ['2025-11-02T05:00:00.000Z', '2025-11-02T07:00:00.000Z'],
    ],
    [
      'New York: 09:00 on weekdays keeps local time across the change',
      'cron(0 9 ? * MON-FRI *)', 'America/New_York', '2025-03-07T00:00:00Z',
      ['2025-03-07T14:00:00.000Z', '2025-03-10T13:00:00.000Z'],
    ],
    [
      'Lord Howe: a 30-minute fall-back repeats 01:30-01:59 once only',
      'cron(0/15 1 * * ? *)', 'Australia/Lord_Howe', '2025-04-05T14:20:00Z',
      ['2025-04-05T14:30:00.000Z', '2025-04-05T14:45:00.000Z', '2025-04-06T14:30:00.000Z'],
    ],
  ] as const)('%s', (_name, expression, timezone, from, expected) => {
    expect(fires(expression, timezone, from, expected.length)).toEqual(expected);
  });

  it('from inside the repeated hour, the next fire time is after the repeat', () => {
    // 01:10Z is 02:10 CET, the second pass of 02:00-02:59 in Paris.
    const next = parseScheduleExpression('cron(0/15 * * * ? *)', 'Europe/Paris').next(new Date('2025-10-26T01:10:00Z'));
    expect(next?.toISOString()).toBe('2025-10-26T02:00:00.000Z');
  });
});

describe('rate and at across daylight-saving changes', () => {
  it('rate(1 day) is 24 hours, so its local time moves by the change', () => {
    // https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst: "evaluates the rate expression 24 hours after the schedule's last invocation"
    const schedule = parseScheduleExpression('rate(1 day)', 'Europe/Paris');
    const anchor = new Date('2025-03-29T12:00:00Z'); // 13:00 CET
    const next = schedule.next(anchor, anchor);
    expect(next?.toISOString()).toBe('2025-03-30T12:00:00.000Z');
    expect(formatLocalIso(next?.getTime() ?? 0, 'Europe/Paris')).toBe('2025-03-30T14:00:00+02:00');
  });

  it.each([
    ['an ordinary local time', 'at(2025-07-14T10:00:00)', 'Europe/Paris', '2025-07-14T08:00:00.000Z'],
    ['a time in the gap moves later by the gap', 'at(2025-03-09T02:30:00)', 'America/New_York', '2025-03-09T07:30:00.000Z'],
    ['a repeated time takes its first occurrence', 'at(2025-11-02T01:30:00)', 'America/New_York', '2025-11-02T05:30:00.000Z'],
    ['seconds are kept', 'at(2025-07-14T10:00:30)', 'UTC', '2025-07-14T10:00:30.000Z'],
  ] as const)('at: %s', (_name, expression, timezone, expected) => {
    expect(parseScheduleExpression(expression, timezone).next(new Date('2025-01-01T00:00:00Z'))?.toISOString()).toBe(expected);
  });
});
