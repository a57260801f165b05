/**
 * The six fields of an EventBridge `cron(...)` expression, parsed and validated.
 *
 * Written here rather than taken from a cron library because none speaks EventBridge's dialect
 * exactly: Unix cron libraries have five fields, no year, no `?`, `L`, `W` or `#`, number the days
 * of the week 0-6 from Sunday, and fire when either day field matches; Quartz-style libraries are
 * closer but add a seconds field, make the year optional and accept `/` in day-of-week and `L-3`.
 * EventBridge has six fields, numbers the days of the week 1-7 (1 = SUN), requires `?` in exactly
 * one of day-of-month / day-of-week, and limits the year to 1970-2199.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
 */
import { SluiceError } from '../errors.js';

/** How the day of a month is chosen: by day-of-month or by day-of-week (never both). */
export type DayRule =
  /** Plain days of the month, 1-31 (`*`, lists, ranges, increments); a day past the month's end never matches. */
  | { readonly kind: 'daysOfMonth'; readonly days: ReadonlySet<number> }
  /** `L` in day-of-month. */
  | { readonly kind: 'lastDayOfMonth' }
  /** `LW` in day-of-month: the last weekday (MON-FRI) of the month. */
  | { readonly kind: 'lastWeekdayOfMonth' }
  /** `15W`: the weekday nearest the 15th, never crossing into another month. */
  | { readonly kind: 'nearestWeekday'; readonly day: number }
  /** Plain days of the week, 1-7 with 1 = SUN (`*`, lists, ranges, names). */
  | { readonly kind: 'daysOfWeek'; readonly weekdays: ReadonlySet<number> }
  /** `6L` in day-of-week: the last Friday of the month. (`L` alone is every SAT, a plain day of the week.) */
  | { readonly kind: 'lastDayOfWeekInMonth'; readonly weekday: number }
  /** `3#2`: the second Tuesday of the month. */
  | { readonly kind: 'nthDayOfWeekInMonth'; readonly weekday: number; readonly nth: number };

/** A parsed cron expression: the sorted values each field selects, and how days are chosen. */
export interface CronFields {
  /** Sorted, 0-59. */
  readonly minutes: readonly number[];
  /** Sorted, 0-23. */
  readonly hours: readonly number[];
  /** Sorted, 1-12. */
  readonly months: readonly number[];
  /** Sorted, 1970-2199. */
  readonly years: readonly number[];
  readonly days: DayRule;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** The wildcards EventBridge's reference table allows in this field. */
  readonly wildcards: string;
  readonly names?: readonly string[];
  /** Whether `a-b` with a > b wraps around (`20-2` in hours is 20,21,22,23,0,1,2). */
  readonly wraps: boolean;
  readonly hint?: string;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/** The six fields in order, with the values and wildcards EventBridge's reference table gives each. */
const CRON_FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59, wildcards: ',-*/', wraps: true },
  hours: { name: 'hours', min: 0, max: 23, wildcards: ',-*/', wraps: true },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31, wildcards: ',-*?/LW', wraps: true },
  month: { name: 'month', min: 1, max: 12, wildcards: ',-*/', names: MONTH_NAMES, wraps: true, hint: '1-12 or JAN-DEC' },
  dayOfWeek: {
    name: 'day-of-week',
    min: 1,
    max: 7,
    wildcards: ',-*?L#',
    names: DAY_NAMES,
    wraps: true,
    hint: '1-7 or SUN-SAT, 1 = SUN',
  },
  year: { name: 'year', min: 1970, max: 2199, wildcards: ',-*/', wraps: false },
} as const satisfies Record<string, FieldSpec>;

function problem(field: FieldSpec, token: string, detail: string): SluiceError {
  return new SluiceError('InvalidScheduleExpression', `${field.name} field, "${token}": ${detail}`);
}

function range(field: FieldSpec): string {
  return field.hint ?? `${field.min}-${field.max}`;
}

/** A single value: a number or (month, day-of-week) a three-letter name, checked against the field's range. */
function parseValue(field: FieldSpec, text: string, token: string): number {
  const upper = text.toUpperCase();
  const named = field.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d+$/.test(text)) {
    const expected = field.names === undefined ? 'a number' : `a number or one of ${field.names.join(',')}`;
    return fail(field, token, `"${text}" is not ${expected}`);
  }
  const value = Number(text);
  if (value < field.min || value > field.max) {
    return fail(field, token, `${value} is out of range ${range(field)}`);
  }
  return value;
}

function fail(field: FieldSpec, token: string, detail: string): never {
  throw problem(field, token, detail);
}

/** Values from `start` to `end` (wrapping past max when start > end), every `step`. */
function walk(field: FieldSpec, start: number, end: number, step: number): number[] {
  const span = field.max - field.min + 1;
  const length = end >= start ? end - start : end + span - start;
  const values: number[] = [];
  for (let offset = 0; offset <= length; offset += step) {
    values.push(((start - field.min + offset) % span) + field.min);
  }
  return values;
}

/** One comma-separated item: `*`, `*​/n`, `a`, `a-b`, `a/n`, `a-b/n`. */
function parseItem(field: FieldSpec, item: string, token: string): number[] {
  const [base = '', stepText, extra] = item.split('/');
  if (extra !== undefined) fail(field, token, `"${item}" has more than one "/"`);
  let step = 1;
  if (stepText !== undefined) {
    const span = field.max - field.min + 1;
    if (!/^\d+$/.test(stepText) || Number(stepText) < 1 || Number(stepText) > span) {
      fail(field, token, `the increment after "/" must be a whole number from 1 to ${span}, got "${stepText}"`);
    }
    step = Number(stepText);
  }
  if (base === '*') return walk(field, field.min, field.max, step);
  if (base === '') fail(field, token, `"${item}" has nothing before "/"`);
  const bounds = base.split('-');
  if (bounds.length > 2) fail(field, token, `"${base}" is not a range of two values`);
  const [fromText = '', toText] = bounds;
  if (fromText === '' || toText === '') fail(field, token, `"${base}" is missing a value`);
  const from = parseValue(field, fromText, token);
  if (toText === undefined) {
    // `a/n` runs from a to the end of the field; a lone value is itself.
    return stepText === undefined ? [from] : walk(field, from, field.max, step);
  }
  const to = parseValue(field, toText, token);
  if (from > to && !field.wraps) fail(field, token, `the range ${from}-${to} runs backwards`);
  return walk(field, from, to, step);
}

/** A field made of lists, ranges and increments only. */
function parseList(field: FieldSpec, token: string): number[] {
  const values = new Set<number>();
  for (const item of token.split(',')) {
    if (item === '') fail(field, token, 'empty item in the list');
    for (const value of parseItem(field, item, token)) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

const ALLOWED_IN: Record<string, string> = {
  '?': 'day-of-month or day-of-week',
  L: 'day-of-month or day-of-week',
  W: 'day-of-month',
  '#': 'day-of-week',
  '/': 'minutes, hours, day-of-month, month or year',
};

/** Rejects wildcards the field does not allow, naming the character and the fields that allow it. */
function checkCharacters(field: FieldSpec, token: string): void {
  let rest = token.toUpperCase();
  for (const name of field.names ?? []) rest = rest.replaceAll(name, '0');
  for (const char of rest) {
    if (/[0-9]/.test(char) || field.wildcards.includes(char)) continue;
    const allowedIn = ALLOWED_IN[char];
    if (allowedIn !== undefined) fail(field, token, `"${char}" is only allowed in the ${allowedIn} field`);
    // Other letters are reported by parseValue as a bad number or name.
    if (!/[A-Z]/.test(char)) {
      fail(field, token, `"${char}" is not allowed (allowed: ${[...field.wildcards].join(' ')})`);
    }
  }
}

/** Parses a plain field (minutes, hours, month, year). */
function parseSimpleField(field: FieldSpec, token: string): number[] {
  checkCharacters(field, token);
  return parseList(field, token);
}

/** Parses day-of-month (not `?`). */
function parseDayOfMonth(token: string): DayRule {
  const field = CRON_FIELDS.dayOfMonth;
  checkCharacters(field, token);
  const upper = token.toUpperCase();
  if (upper === 'L') return { kind: 'lastDayOfMonth' };
  if (upper === 'LW') return { kind: 'lastWeekdayOfMonth' };
  if (/L/.test(upper)) fail(field, token, '"L" must stand alone ("L" or "LW") in day-of-month');
  const weekday = /^(\d+)W$/.exec(upper);
  if (weekday !== null) return { kind: 'nearestWeekday', day: parseValue(field, weekday[1] ?? '', token) };
  if (/W/.test(upper)) fail(field, token, '"W" must follow a single day, as in "15W", or "L" as in "LW"');
  return { kind: 'daysOfMonth', days: new Set(parseList(field, token)) };
}

/** Parses day-of-week (not `?`). */
function parseDayOfWeek(token: string): DayRule {
  const field = CRON_FIELDS.dayOfWeek;
  checkCharacters(field, token);
  const upper = token.toUpperCase();
  if (upper.includes('#')) {
    if (upper.includes(',')) fail(field, token, 'only one expression is allowed with "#" (for example "3#2")');
    const [dayText = '', nthText = ''] = upper.split('#');
    if (!/^[1-5]$/.test(nthText)) fail(field, token, `the occurrence after "#" must be 1 to 5, got "${nthText}"`);
    return { kind: 'nthDayOfWeekInMonth', weekday: parseValue(field, dayText, token), nth: Number(nthText) };
  }
  // "L" alone is the last day of every week, SAT (Quartz's reading, which EventBridge's wording follows).
  if (upper === 'L') return { kind: 'daysOfWeek', weekdays: new Set([7]) };
  const last = /^(\d|[A-Z]{3})L$/.exec(upper);
  if (last !== null) return { kind: 'lastDayOfWeekInMonth', weekday: parseValue(field, last[1] ?? '', token) };
  if (upper.includes('L')) {
    fail(field, token, '"L" must stand alone ("L") or follow one day ("6L" is the last Friday)');
  }
  return { kind: 'daysOfWeek', weekdays: new Set(parseList(field, token)) };
}

/**
 * Parses the inside of `cron(...)`: `minutes hours day-of-month month day-of-week year`.
 * Throws SluiceError `InvalidScheduleExpression` naming the field and the bad token.
 */
export function parseCronFields(body: string): CronFields {
  const tokens = body.trim().split(/\s+/).filter((t) => t !== '');
  if (tokens.length !== 6) {
    throw new SluiceError(
      'InvalidScheduleExpression',
      `cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${tokens.length}`,
    );
  }
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = tokens;
  for (const [field, token] of [
    [CRON_FIELDS.minutes, minutes],
    [CRON_FIELDS.hours, hours],
    [CRON_FIELDS.month, month],
    [CRON_FIELDS.year, year],
  ] as const) {
    if (token.includes('?')) fail(field, token, '"?" is only allowed in the day-of-month or day-of-week field');
  }
  const domAny = dayOfMonth === '?';
  const dowAny = dayOfWeek === '?';
  if (!domAny && dayOfMonth.includes('?')) fail(CRON_FIELDS.dayOfMonth, dayOfMonth, '"?" must stand alone');
  if (!dowAny && dayOfWeek.includes('?')) fail(CRON_FIELDS.dayOfWeek, dayOfWeek, '"?" must stand alone');
  if (domAny === dowAny) {
    throw new SluiceError(
      'InvalidScheduleExpression',
      domAny
        ? 'day-of-month and day-of-week are both "?": specify one of them'
        : `day-of-month "${dayOfMonth}" and day-of-week "${dayOfWeek}" are both specified: use "?" in one of them`,
    );
  }
  return {
    minutes: parseSimpleField(CRON_FIELDS.minutes, minutes),
    hours: parseSimpleField(CRON_FIELDS.hours, hours),
    days: domAny ? parseDayOfWeek(dayOfWeek) : parseDayOfMonth(dayOfMonth),
    months: parseSimpleField(CRON_FIELDS.month, month),
    years: parseSimpleField(CRON_FIELDS.year, year),
  };
}
