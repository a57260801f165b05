/** What kind of schedule expression: `rate(...)`, `cron(...)` or `at(...)`. */
export const ScheduleKind = {
  rate: 'rate',
  cron: 'cron',
  at: 'at',
} as const;
export type ScheduleKind = (typeof ScheduleKind)[keyof typeof ScheduleKind];

/**
 * A parsed schedule expression, evaluated in its IANA time zone as EventBridge Scheduler does.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
export interface Schedule {
  /** The expression as written, e.g. `cron(0 9 ? * MON-FRI *)`. */
  readonly expression: string;
  /** IANA time zone the expression is evaluated in, e.g. `Europe/Paris`; `UTC` by default. */
  readonly timezone: string;
  readonly kind: ScheduleKind;
  /**
   * The first fire time strictly after `after`, or undefined when there is none (a past `at`,
   * a cron whose years have ended, a day that never exists such as `30 2`).
   *
   * `anchor` only matters for `rate`: fire times are `anchor + k × period` (k ≥ 0), so the anchor
   * itself is the first occurrence, as a Scheduler `StartDate` is. Without an anchor the period
   * counts from `after` (the result is `after + period`). `cron` and `at` ignore it.
   */
  next(after: Date, anchor?: Date): Date | undefined;
}
