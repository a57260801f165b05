import { daysMatching } from './cron-days.js';
import type { CronFields } from './cron-fields.js';
import type { Schedule } from './schedule.js';
import { instantsForWallTime, wallMs, wallTimeAt, wallTimeFromMs, type WallTime } from './time-zone.js';

const MINUTE_MS = 60_000;

/**
 * The first wall-clock minute at or after `from` that the fields select, by field arithmetic:
 * year, then month, then the month's matching days, then hour, then minute. Each level starts from
 * `from`'s value only while every level above it still equals `from`'s. At most 230 years × 12
 * months are visited, so an expression that never fires (`0 0 30 2 ? *`) ends quickly too.
 */
export function nextWallMatch(fields: CronFields, from: WallTime): WallTime | undefined {
  for (const year of fields.years) {
    if (year < from.year) continue;
    const sameYear = year === from.year;
    for (const month of fields.months) {
      if (sameYear && month < from.month) continue;
      const sameMonth = sameYear && month === from.month;
      for (const day of daysMatching(fields.days, year, month)) {
        if (sameMonth && day < from.day) continue;
        const sameDay = sameMonth && day === from.day;
        for (const hour of fields.hours) {
          if (sameDay && hour < from.hour) continue;
          const sameHour = sameDay && hour === from.hour;
          for (const minute of fields.minutes) {
            if (sameHour && minute < from.minute) continue;
            return { year, month, day, hour, minute, second: 0 };
          }
        }
      }
    }
  }
  return undefined;
}

/**
 * A `cron(...)` schedule evaluated in `timezone`'s wall-clock time.
 *
 * Daylight saving follows EventBridge Scheduler: a wall time that does not exist (skipped by a
 * spring-forward change) does not fire that day; a wall time that happens twice (a fall-back
 * change) fires once, at its first occurrence. Fire times are whole minutes of wall time.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time
 * @see https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst
 */
export function createCronSchedule(expression: string, fields: CronFields, timezone: string): Schedule {
  return {
    expression,
    timezone,
    kind: 'cron',
    next(after: Date): Date | undefined {
      const afterMs = after.getTime();
      if (Number.isNaN(afterMs)) return undefined;
      // The earliest candidate is the wall minute of the next whole UTC minute; rounded up to a
      // whole wall minute for the rare historical offsets with seconds.
      const start = wallTimeAt(Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS, timezone);
      let cursor = wallMs(start) + (start.second === 0 ? 0 : (60 - start.second) * 1000);
      // Wall times map to instants in order (taking each one's first occurrence), so the scan
      // only steps past candidates that do not exist or whose first occurrence is not after
      // `after` (when `after` lies in the second pass of a fall-back hour): at most the minutes
      // of one transition.
      for (;;) {
        const match = nextWallMatch(fields, wallTimeFromMs(cursor));
        if (match === undefined) return undefined;
        const first = instantsForWallTime(match, timezone)[0];
        if (first !== undefined && first > afterMs) return new Date(first);
        cursor = wallMs(match) + MINUTE_MS;
      }
    },
  };
}
