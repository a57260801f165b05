import type { Schedule } from './schedule.js';

/**
 * A `rate(value unit)` schedule: fire times every fixed period from an anchor, in absolute time.
 *
 * A period is a duration, not a wall-clock amount: `rate(1 day)` is 24 hours even across a
 * daylight-saving change, as EventBridge Scheduler evaluates a rate "24 hours after the
 * schedule's last invocation". The time zone therefore never changes a rate's fire times.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#rate-based
 * @see https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst
 */
export function createRateSchedule(expression: string, periodMs: number, timezone: string): Schedule {
  return {
    expression,
    timezone,
    kind: 'rate',
    next(after: Date, anchor?: Date): Date | undefined {
      const afterMs = after.getTime();
      const start = anchor?.getTime() ?? afterMs;
      if (Number.isNaN(afterMs) || Number.isNaN(start)) return undefined;
      if (afterMs < start) return new Date(start);
      const periods = Math.floor((afterMs - start) / periodMs) + 1;
      return new Date(start + periods * periodMs);
    },
  };
}
