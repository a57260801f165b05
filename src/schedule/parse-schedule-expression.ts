import { SluiceError } from '../errors.js';
import { createAtSchedule } from './at-schedule.js';
import { daysInMonth } from './cron-days.js';
import { parseCronFields } from './cron-fields.js';
import { createCronSchedule } from './cron-schedule.js';
import { createRateSchedule } from './rate-schedule.js';
import type { Schedule } from './schedule.js';
import { isValidTimeZone } from './time-zone.js';

const CODE = 'InvalidScheduleExpression';

/** Milliseconds per rate unit; EventBridge has no unit finer than a minute or coarser than a day. */
const RATE_UNITS = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
} as const;

function isRateUnit(unit: string): unit is keyof typeof RATE_UNITS {
  return Object.hasOwn(RATE_UNITS, unit);
}

function invalid(detail: string): SluiceError {
  return new SluiceError(CODE, detail);
}

/**
 * `rate(value unit)`: value a positive whole number; unit minute|minutes|hour|hours|day|days,
 * singular exactly when the value is 1 (`rate(1 hours)` and `rate(5 hour)` are invalid).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html#eb-rate-expressions
 */
function parseRate(body: string): number {
  const parts = body.trim().split(/\s+/);
  const [valueText = '', unitText = ''] = parts;
  if (parts.length !== 2) throw invalid(`rate needs a value and a unit, as in "rate(5 minutes)", got "${body}"`);
  if (!/^\d+$/.test(valueText) || Number(valueText) === 0 || !Number.isSafeInteger(Number(valueText))) {
    throw invalid(`rate value must be a positive whole number, got "${valueText}"`);
  }
  const value = Number(valueText);
  const singular = unitText.endsWith('s') ? unitText.slice(0, -1) : unitText;
  if (!isRateUnit(singular)) {
    throw invalid(`unknown rate unit "${unitText}" (use minute, minutes, hour, hours, day or days)`);
  }
  if (value === 1 && unitText !== singular) {
    throw invalid(`rate value 1 takes the singular unit "${singular}", not "${unitText}"`);
  }
  if (value > 1 && unitText === singular) {
    throw invalid(`rate value ${value} takes the plural unit "${singular}s", not "${unitText}"`);
  }
  return value * RATE_UNITS[singular];
}

/** `at(yyyy-mm-ddThh:mm:ss)`, a real calendar date and time. */
function parseAt(body: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body.trim());
  if (match === null) throw invalid(`at needs a date and time as yyyy-mm-ddThh:mm:ss, got "${body}"`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) throw invalid(`at month ${month} is out of range 1-12 in "${body}"`);
  if (day < 1 || day > daysInMonth(year, month)) {
    throw invalid(`at day ${day} does not exist in ${year}-${String(month).padStart(2, '0')} in "${body}"`);
  }
  if (hour > 23) throw invalid(`at hour ${hour} is out of range 0-23 in "${body}"`);
  if (minute > 59) throw invalid(`at minute ${minute} is out of range 0-59 in "${body}"`);
  if (second > 59) throw invalid(`at second ${second} is out of range 0-59 in "${body}"`);
  return { year, month, day, hour, minute, second };
}

/**
 * Parses an EventBridge Scheduler schedule expression, `rate(...)`, `cron(...)` or `at(...)`, to be
 * evaluated in the IANA `timezone` (default UTC).
 *
 * Throws SluiceError `InvalidScheduleExpression` whose message quotes the expression and names the
 * field and the bad token, e.g. `Invalid schedule expression "cron(0 10 * * 0 *)": day-of-week
 * field, "0": 0 is out of range 1-7 or SUN-SAT, 1 = SUN`.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 */
export function parseScheduleExpression(expression: string, timezone = 'UTC'): Schedule {
  const match = /^(rate|cron|at)\((.*)\)$/s.exec(expression.trim());
  const prefix = `Invalid schedule expression "${expression}"`;
  if (match === null) {
    throw new SluiceError(CODE, `${prefix}: expected rate(value unit), cron(fields) or at(yyyy-mm-ddThh:mm:ss)`);
  }
  if (!isValidTimeZone(timezone)) {
    throw new SluiceError(
      CODE,
      `Invalid time zone "${timezone}" for schedule "${expression}": use an IANA name such as "Europe/Paris" or "UTC"`,
    );
  }
  const [, kind = '', body = ''] = match;
  try {
    if (kind === 'rate') return createRateSchedule(expression, parseRate(body), timezone);
    if (kind === 'cron') return createCronSchedule(expression, parseCronFields(body), timezone);
    return createAtSchedule(expression, parseAt(body), timezone);
  } catch (err) {
    if (err instanceof SluiceError && err.code === CODE) throw new SluiceError(CODE, `${prefix}: ${err.message}`);
    throw err;
  }
}

/**
 * The problem with a schedule expression (and time zone) as one message, or undefined when it is
 * valid. For the config loader, which reports every problem at once.
 */
export function checkScheduleExpression(expression: string, timezone?: string): string | undefined {
  try {
    parseScheduleExpression(expression, timezone);
    return undefined;
  } catch (err) {
    if (err instanceof SluiceError && err.code === CODE) return err.message;
    throw err;
  }
}
