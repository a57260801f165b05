import { describe, expect, it } from 'vitest';
import { parseScheduleExpression } from '../../src/schedule/parse-schedule-expression.js';

const at = (iso: string): Date => new Date(iso);

// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#one-time
describe('at(...) fires once', () => {
  const schedule = parseScheduleExpression('at(2025-06-01T12:00:00)', 'Europe/Paris');

  it.each([
    ['long before', '2020-01-01T00:00:00Z', '2025-06-01T10:00:00.000Z'],
    ['a millisecond before', '2025-06-01T09:59:59.999Z', '2025-06-01T10:00:00.000Z'],
    ['at the time', '2025-06-01T10:00:00Z', undefined],
    ['after', '2025-06-02T00:00:00Z', undefined],
  ] as const)('%s → %s', (_name, after, expected) => {
    expect(schedule.next(at(after))?.toISOString()).toBe(expected);
  });

  it('ignores the anchor', () => {
    expect(schedule.next(at('2020-01-01T00:00:00Z'), at('2030-01-01T00:00:00Z'))?.toISOString()).toBe('2025-06-01T10:00:00.000Z');
  });
});
