import { describe, expect, it } from 'vitest';
import { parseScheduleExpression } from '../../src/schedule/parse-schedule-expression.js';

const at = (iso: string): Date => new Date(iso);

// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#rate-based
// "you use the StartDate property to set the first occurrence of the schedule": the anchor is occurrence zero.
describe('rate(...) fire times are anchor + k × period', () => {
  it.each([
    ['rate(1 minute)', '2025-01-01T00:00:30Z', '2025-01-01T00:00:00Z', '2025-01-01T00:01:00Z'],
    ['rate(5 minutes)', '2025-01-01T00:05:00Z', '2025-01-01T00:00:00Z', '2025-01-01T00:10:00Z'],
    ['rate(5 minutes)', '2025-01-01T00:04:59.999Z', '2025-01-01T00:00:00Z', '2025-01-01T00:05:00Z'],
    ['rate(1 hour)', '2025-01-01T10:30:00Z', '2025-01-01T00:15:00Z', '2025-01-01T11:15:00Z'],
    ['rate(12 hours)', '2025-01-02T00:00:00Z', '2025-01-01T06:00:00Z', '2025-01-02T06:00:00Z'],
    ['rate(7 days)', '2025-01-01T00:00:00Z', '2024-12-01T09:00:00Z', '2025-01-05T09:00:00Z'],
    // Before the anchor, the anchor itself is next.
    ['rate(1 day)', '2024-12-31T00:00:00Z', '2025-01-01T08:00:00Z', '2025-01-01T08:00:00Z'],
    // At the anchor exactly, the next one (strictly after).
    ['rate(1 day)', '2025-01-01T08:00:00Z', '2025-01-01T08:00:00Z', '2025-01-02T08:00:00Z'],
    // Anchors keep their seconds: a rate is a duration, not a cron boundary.
    ['rate(2 minutes)', '2025-01-01T00:00:00Z', '2025-01-01T00:00:17.250Z', '2025-01-01T00:00:17.250Z'],
  ] as const)('%s after %s with anchor %s → %s', (expression, after, anchor, expected) => {
    expect(parseScheduleExpression(expression).next(at(after), at(anchor))?.toISOString()).toBe(at(expected).toISOString());
  });

  it('without an anchor counts the period from `after`', () => {
    expect(parseScheduleExpression('rate(5 minutes)').next(at('2025-01-01T00:00:10Z'))?.toISOString()).toBe(
      '2025-01-01T00:05:10.000Z',
    );
  });

  it('does not drift over many periods', () => {
    const schedule = parseScheduleExpression('rate(7 minutes)');
    const anchor = at('2025-01-01T00:00:00Z');
    let t = anchor;
    for (let i = 0; i < 10_000; i++) t = schedule.next(t, anchor) ?? t;
    expect(t.getTime() - anchor.getTime()).toBe(10_000 * 7 * 60_000);
  });
});
