/**
 * Which days of a given month a cron day rule selects: plain days, `L`, `LW`, `nW`, days of the
 * week, `nL` and `n#k`, with month lengths and leap years from the proleptic Gregorian calendar.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 */
import type { DayRule } from './cron-fields.js';

/** Days in `month` (1-12) of `year`: 28-31, with Gregorian leap years (2028 has Feb 29, 2100 does not). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Day of the week in cron's numbering: 1 = SUN ... 7 = SAT. */
export function cronWeekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

const SUN = 1;
const SAT = 7;

/**
 * The weekday (MON-FRI) nearest `day`, never leaving the month: a Saturday moves back to Friday
 * unless it is the 1st (then forward to Monday the 3rd); a Sunday moves forward to Monday unless
 * it is the month's last day (then back to Friday). A day the month does not have selects nothing.
 */
function nearestWeekday(year: number, month: number, day: number): number | undefined {
  const last = daysInMonth(year, month);
  if (day > last) return undefined;
  const weekday = cronWeekday(year, month, day);
  if (weekday === SAT) return day === 1 ? 3 : day - 1;
  if (weekday === SUN) return day === last ? day - 2 : day + 1;
  return day;
}

/** The days of `month` in `year` that `rule` selects, ascending. */
export function daysMatching(rule: DayRule, year: number, month: number): number[] {
  const last = daysInMonth(year, month);
  switch (rule.kind) {
    case 'daysOfMonth':
      return [...rule.days].filter((day) => day <= last).sort((a, b) => a - b);
    case 'lastDayOfMonth':
      return [last];
    case 'lastWeekdayOfMonth': {
      const weekday = cronWeekday(year, month, last);
      return [weekday === SAT ? last - 1 : weekday === SUN ? last - 2 : last];
    }
    case 'nearestWeekday': {
      const day = nearestWeekday(year, month, rule.day);
      return day === undefined ? [] : [day];
    }
    case 'daysOfWeek': {
      const days: number[] = [];
      const first = cronWeekday(year, month, 1);
      for (let day = 1; day <= last; day++) {
        if (rule.weekdays.has(((first - 1 + day - 1) % 7) + 1)) days.push(day);
      }
      return days;
    }
    case 'lastDayOfWeekInMonth':
      return [last - ((cronWeekday(year, month, last) - rule.weekday + 7) % 7)];
    case 'nthDayOfWeekInMonth': {
      const day = 1 + ((rule.weekday - cronWeekday(year, month, 1) + 7) % 7) + (rule.nth - 1) * 7;
      return day <= last ? [day] : [];
    }
  }
}
