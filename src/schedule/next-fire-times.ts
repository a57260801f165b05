import { SluiceError } from '../errors.js';
import { cronWeekday } from './cron-days.js';
import { parseScheduleExpression } from './parse-schedule-expression.js';
import { formatLocalIso, wallTimeAt } from './time-zone.js';

export interface NextFireTimesOptions {
  /** IANA time zone; default UTC. */
  readonly timezone?: string;
  /** Fire times strictly after this instant; default now. */
  readonly from?: Date;
  /** How many; default 5, at most 1,000. */
  readonly count?: number;
  /** For `rate`: the start of the period (a Scheduler `StartDate`); default `from`. */
  readonly anchor?: Date;
}

const DEFAULT_COUNT = 5;
const MAX_COUNT = 1000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/**
 * The next `count` fire times of `expression` strictly after `from`, earliest first; fewer when the
 * schedule ends (an `at`, a cron with a year range). Throws SluiceError `InvalidScheduleExpression`
 * for a bad expression or time zone, `InvalidArgument` for a bad count.
 */
export function nextFireTimes(expression: string, options: NextFireTimesOptions = {}): Date[] {
  const count = options.count ?? DEFAULT_COUNT;
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new SluiceError('InvalidArgument', `count must be a whole number from 1 to ${MAX_COUNT}, got ${count}`);
  }
  const schedule = parseScheduleExpression(expression, options.timezone);
  const from = options.from ?? new Date();
  const anchor = options.anchor ?? from;
  const times: Date[] = [];
  let after = from;
  while (times.length < count) {
    const next = schedule.next(after, anchor);
    if (next === undefined) break;
    times.push(next);
    after = next;
  }
  return times;
}

/**
 * Lines for `sluice schedule next`: each fire time in UTC, then as the zone's clocks show it, e.g.
 * `2025-03-31T07:00:00.000Z  2025-03-31T09:00:00+02:00 Mon Europe/Paris`. When the schedule has no
 * fire time left, one line says so.
 */
export function formatNextFireTimes(expression: string, options: NextFireTimesOptions = {}): string[] {
  const timezone = options.timezone ?? 'UTC';
  const from = options.from ?? new Date();
  const times = nextFireTimes(expression, { ...options, timezone, from });
  if (times.length === 0) return [`${expression} has no fire time after ${from.toISOString()}`];
  return times.map((time) => {
    const wall = wallTimeAt(time.getTime(), timezone);
    const weekday = WEEKDAYS[cronWeekday(wall.year, wall.month, wall.day) - 1] ?? '';
    return `${time.toISOString()}  ${formatLocalIso(time.getTime(), timezone)} ${weekday} ${timezone}`;
  });
}
