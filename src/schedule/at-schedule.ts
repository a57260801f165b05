import type { Schedule } from './schedule.js';
import { resolveWallTime, type WallTime } from './time-zone.js';

/**
 * An `at(yyyy-mm-ddThh:mm:ss)` one-time schedule: the wall time in the schedule's zone.
 *
 * AWS does not document a one-time schedule whose wall time falls in a daylight-saving gap or
 * overlap; we resolve it as `java.time` does: a repeated time fires at its first occurrence, a
 * time in a gap fires later by the gap's length (02:30 on a 02:00→03:00 day fires at 03:30).
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#one-time
 */
export function createAtSchedule(expression: string, wall: WallTime, timezone: string): Schedule {
  const instant = resolveWallTime(wall, timezone);
  return {
    expression,
    timezone,
    kind: 'at',
    next(after: Date): Date | undefined {
      return after.getTime() < instant ? new Date(instant) : undefined;
    },
  };
}
