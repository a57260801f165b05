export { parseScheduleExpression, checkScheduleExpression } from './parse-schedule-expression.js';
export { nextFireTimes, formatNextFireTimes, type NextFireTimesOptions } from './next-fire-times.js';
export { createScheduler, type Scheduler, type SchedulerOptions } from './create-scheduler.js';
export { ScheduleKind, type Schedule } from './schedule.js';
