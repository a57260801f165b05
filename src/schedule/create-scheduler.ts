import type { Clock } from '../clock.js';
import type { Schedule } from './schedule.js';

export interface SchedulerOptions {
  readonly schedule: Schedule;
  readonly clock: Clock;
  /** Aborting stops the scheduler: a sleep ends at once, a running `onTick` is awaited, then `done` resolves. */
  readonly signal: AbortSignal;
  /** Called once per fire time, with the boundary it fires for; never called concurrently with itself. */
  readonly onTick: (fireTime: Date) => void | Promise<void>;
  /** For `rate`: when the period starts (a Scheduler `StartDate`); default the moment the scheduler starts. */
  readonly anchor?: Date;
}

export interface Scheduler {
  /**
   * Resolves when the signal aborts or the schedule has no fire time left (a past or fired `at`, a
   * cron whose years ended); rejects with `onTick`'s error if it throws (handle failures there).
   */
  readonly done: Promise<void>;
}

/**
 * Fires `onTick` on a schedule's boundaries, from the moment it starts.
 *
 * - No drift: every wait is `nextBoundary - clock.now()`, never an accumulated interval, so a slow
 *   `onTick` does not shift later ticks, and a sleep that ends early is simply resumed.
 * - The first tick is the first boundary at or after the start. For `rate` without an anchor the
 *   start is the anchor, so it ticks at once and then every period, as EventBridge Scheduler
 *   "starts invoking the target immediately" when a rate schedule has no `StartDate`.
 * - Boundaries before the start (the process was not running) are not replayed, as EventBridge
 *   does not replay them.
 * - When the process was busy past one or more boundaries (a slow `onTick`, a blocked event loop,
 *   a suspended machine), it fires once, for the latest boundary already due, not a burst.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#rate-based
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  return { done: run(options) };
}

async function run({ schedule, clock, signal, onTick, anchor }: SchedulerOptions): Promise<void> {
  const startedAt = clock.now();
  const rateAnchor = anchor ?? new Date(startedAt);
  // One millisecond before the start, so a boundary exactly at the start is due.
  let after = new Date(startedAt - 1);
  while (!signal.aborted) {
    let due = schedule.next(after, rateAnchor);
    if (due === undefined) return;
    if (!(await sleepUntil(clock, due.getTime(), signal))) return;
    const now = clock.now();
    for (let later = schedule.next(due, rateAnchor); later !== undefined && later.getTime() <= now; ) {
      due = later;
      later = schedule.next(due, rateAnchor);
    }
    await onTick(due);
    after = due;
  }
}

/** Sleeps until `clock.now() >= until`; false when aborted first. */
async function sleepUntil(clock: Clock, until: number, signal: AbortSignal): Promise<boolean> {
  for (let now = clock.now(); now < until; now = clock.now()) {
    try {
      await clock.sleep(until - now, signal);
    } catch (err) {
      if (signal.aborted) return false;
      throw err;
    }
  }
  return !signal.aborted;
}
