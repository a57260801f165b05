/**
 * TODO(schedule): replace the body with a re-export of `checkScheduleExpression`
 * from `../schedule/index.js` once that module lands (it parses rate, cron and at
 * expressions fully). Until then only the outer form is checked.
 *
 * @returns undefined when valid, else a message (a predicate: "must be ...").
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
export function checkScheduleExpression(expression: string): string | undefined {
  if (/^(?:rate|cron|at)\(.*\)$/s.test(expression.trim())) return undefined;
  return `must be rate(...), cron(...) or at(...), got ${JSON.stringify(expression)}`;
}
