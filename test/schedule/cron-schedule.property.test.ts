import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScheduleExpression } from '../../src/schedule/parse-schedule-expression.js';

// An independent reference for cron matching, written from the EventBridge reference page
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html) and the
// Scheduler daylight-saving rules, sharing no code with src/schedule.

interface Wall {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function wallOf(ms: number, timeZone: string): Wall {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
  return { year: p['year'] ?? 0, month: p['month'] ?? 0, day: p['day'] ?? 0, hour: (p['hour'] ?? 0) % 24, minute: p['minute'] ?? 0, second: p['second'] ?? 0 };
}
const wallKey = (w: Wall): number => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
const lastDay = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
const weekday = (y: number, m: number, d: number): number => new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 1; // 1 = SUN
const isWeekday = (y: number, m: number, d: number): boolean => weekday(y, m, d) >= 2 && weekday(y, m, d) <= 6;

interface Field {
  readonly token: string;
  readonly values: ReadonlySet<number>;
}
type DayPredicate = (y: number, m: number, d: number) => boolean;
interface Spec {
  readonly expression: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
  readonly day: DayPredicate;
}

const inclusive = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** `a-b/step`: the values from a to b, going round past the maximum when a > b, then every step-th of them. */
function walkRange(min: number, max: number, a: number, b: number, step: number): Set<number> {
  const sequence = a <= b ? inclusive(a, b) : [...inclusive(a, max), ...inclusive(min, b)];
  return new Set(sequence.filter((_, i) => i % step === 0));
}

function numericField(min: number, max: number, names?: readonly string[], allowSteps = true): fc.Arbitrary<Field> {
  const span = max - min + 1;
  const value = fc.integer({ min, max });
  const show = (v: number): fc.Arbitrary<string> =>
    names === undefined
      ? fc.constant(String(v))
      : fc.constantFrom(String(v), names[v - min] ?? String(v), (names[v - min] ?? String(v)).toLowerCase());
  const single = value.chain((v) => show(v).map((token) => ({ token, values: new Set([v]) })));
  const range = fc.tuple(value, value).chain(([a, b]) =>
    fc.tuple(show(a), show(b)).map(([ta, tb]) => ({ token: `${ta}-${tb}`, values: walkRange(min, max, a, b, 1) })),
  );
  const step = fc.integer({ min: 1, max: span });
  const stepped = [
    fc.tuple(value, step).map(([a, n]) => ({ token: `${a}/${n}`, values: walkRange(min, max, a, max, n) })),
    step.map((n) => ({ token: `*/${n}`, values: walkRange(min, max, min, max, n) })),
    fc.tuple(value, value, step).map(([a, b, n]) => ({ token: `${a}-${b}/${n}`, values: walkRange(min, max, a, b, n) })),
  ];
  const item = fc.oneof(single, range, ...(allowSteps ? stepped : []));
  const list = fc.array(item, { minLength: 2, maxLength: 3 }).map((items) => ({
    token: items.map((i) => i.token).join(','),
    values: new Set(items.flatMap((i) => [...i.values])),
  }));
  return fc.oneof({ arbitrary: fc.constant({ token: '*', values: new Set(inclusive(min, max)) }), weight: 2 }, { arbitrary: item, weight: 3 }, { arbitrary: list, weight: 2 });
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

const setDay = (field: Field, pick: (y: number, m: number, d: number) => number): DayPredicate => (y, m, d) => field.values.has(pick(y, m, d));

/** Day-of-month and day-of-week tokens with their meaning: exactly one of them is `?`. */
const dayFields: fc.Arbitrary<{ dom: string; dow: string; day: DayPredicate }> = fc.oneof(
  numericField(1, 31).map((f) => ({ dom: f.token, dow: '?', day: setDay(f, (_y, _m, d) => d) })),
  fc.constant({ dom: 'L', dow: '?', day: ((y, m, d) => d === lastDay(y, m)) as DayPredicate }),
  fc.constant({
    dom: 'LW',
    dow: '?',
    day: ((y, m, d) => isWeekday(y, m, d) && inclusive(d + 1, lastDay(y, m)).every((e) => !isWeekday(y, m, e))) as DayPredicate,
  }),
  fc.integer({ min: 1, max: 31 }).map((n) => ({
    dom: `${n}W`,
    dow: '?',
    // The weekday of the month closest to n (there is never a tie).
    day: ((y, m, d) => {
      if (n > lastDay(y, m)) return false;
      const weekdays = inclusive(1, lastDay(y, m)).filter((e) => isWeekday(y, m, e));
      const nearest = weekdays.reduce((best, e) => (Math.abs(e - n) < Math.abs(best - n) ? e : best));
      return d === nearest;
    }) as DayPredicate,
  })),
  numericField(1, 7, DAY_NAMES, false).map((f) => ({ dom: '?', dow: f.token, day: setDay(f, weekday) })),
  fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 })).map(([w, k]) => ({
    dom: '?',
    dow: `${w}#${k}`,
    day: ((y, m, d) => weekday(y, m, d) === w && Math.ceil(d / 7) === k) as DayPredicate,
  })),
  fc.integer({ min: 1, max: 7 }).map((w) => ({
    dom: '?',
    dow: `${w}L`,
    day: ((y, m, d) => weekday(y, m, d) === w && d + 7 > lastDay(y, m)) as DayPredicate,
  })),
  fc.constant({ dom: '?', dow: 'L', day: ((y, m, d) => weekday(y, m, d) === 7) as DayPredicate }),
);

const yearField: fc.Arbitrary<Field> = fc.oneof(
  { arbitrary: fc.constant({ token: '*', values: new Set(inclusive(1970, 2199)) }), weight: 3 },
  fc.tuple(fc.integer({ min: 2023, max: 2027 }), fc.integer({ min: 0, max: 3 })).map(([a, n]) => ({ token: `${a}-${a + n}`, values: new Set(inclusive(a, a + n)) })),
);

const cronSpec: fc.Arbitrary<Spec> = fc
  .record({ minutes: numericField(0, 59), hours: numericField(0, 23), days: dayFields, months: numericField(1, 12, MONTH_NAMES), years: yearField })
  .map(({ minutes, hours, days, months, years }) => ({
    expression: `cron(${minutes.token} ${hours.token} ${days.dom} ${months.token} ${days.dow} ${years.token})`,
    minutes: minutes.values,
    hours: hours.values,
    months: months.values,
    years: years.values,
    day: days.day,
  }));

const matchesFields = (spec: Spec, w: Wall): boolean =>
  w.second === 0 && spec.minutes.has(w.minute) && spec.hours.has(w.hour) && spec.months.has(w.month) && spec.years.has(w.year) && spec.day(w.year, w.month, w.day);

const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Chatham', 'Asia/Kathmandu'] as const;

/** Instants in 2025 where each zone's offset changes (hour precision), found by scanning. */
const TRANSITIONS: Record<string, number[]> = Object.fromEntries(
  ZONES.map((zone) => {
    const offset = (ms: number): number => wallKey(wallOf(ms, zone)) - ms;
    const found: number[] = [];
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2026, 0, 1); t += 3_600_000) {
      if (offset(t) !== offset(t + 3_600_000)) found.push(t);
    }
    return [zone, found];
  }),
);

const HOUR = 3_600_000;
/** A zone and an instant, half of the time within a day and a half of one of its transitions. */
const zoneAndInstant = fc.constantFrom(...ZONES).chain((zone) => {
  const near = TRANSITIONS[zone] ?? [];
  const anywhere = fc.integer({ min: Date.UTC(2023, 5, 1), max: Date.UTC(2027, 5, 1) });
  const nearTransition = near.length === 0 ? anywhere : fc.tuple(fc.constantFrom(...near), fc.integer({ min: -36 * HOUR, max: 36 * HOUR })).map(([t, d]) => t + d);
  return fc.tuple(fc.constant(zone), fc.oneof(anywhere, nearTransition));
});

/** True when an earlier instant (by a daylight-saving shift of 30, 60 or 120 minutes) shows the same wall time. */
const isRepeat = (ms: number, zone: string): boolean =>
  [30, 60, 120].some((m) => wallKey(wallOf(ms - m * 60_000, zone)) === wallKey(wallOf(ms, zone)));

const QUARTER_HOUR = 900_000;
const offsets = new Map<string, number>();
/**
 * wallOf, faster: offsets change only at quarter hours of UTC (every zone's transitions fall on
 * them), so one Intl call per quarter hour is enough.
 */
function fastWallOf(ms: number, zone: string): Wall {
  const block = Math.floor(ms / QUARTER_HOUR) * QUARTER_HOUR;
  const key = `${zone} ${block}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = wallKey(wallOf(block, zone)) - block;
    offsets.set(key, offset);
  }
  const d = new Date(ms + offset);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

const DAY = 86_400_000;
/** Whether some wall time the spec selects exists, after `afterMs`, in the 800 days that follow it. */
function firesWithin800Days(spec: Spec, zone: string, afterMs: number): boolean {
  const exists = (key: number): boolean =>
    [key - DAY, key + DAY].some((guess) => {
      const t = key - (wallKey(fastWallOf(guess, zone)) - guess);
      return t > afterMs && wallKey(fastWallOf(t, zone)) === key;
    });
  const start = Math.floor(afterMs / DAY) * DAY - DAY;
  for (let dayMs = start; dayMs < start + 800 * DAY; dayMs += DAY) {
    const d = new Date(dayMs);
    const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
    if (!spec.years.has(y) || !spec.months.has(m) || !spec.day(y, m, dd)) continue;
    for (const h of spec.hours) for (const mi of spec.minutes) if (exists(Date.UTC(y, m - 1, dd, h, mi))) return true;
  }
  return false;
}

describe('cron next(): properties', () => {
  it('the known transitions were found', () => {
    expect(TRANSITIONS['Europe/Paris']).toHaveLength(2);
    expect(TRANSITIONS['UTC']).toHaveLength(0);
  });

  it('next(t) > t, next(next(t)) > next(t), and next(t) matches every field in the zone, at its first occurrence', () => {
    fc.assert(
      fc.property(cronSpec, zoneAndInstant, (spec, [zone, afterMs]) => {
        const schedule = parseScheduleExpression(spec.expression, zone);
        const first = schedule.next(new Date(afterMs));
        if (first === undefined) {
          expect(firesWithin800Days(spec, zone, afterMs)).toBe(false);
          return;
        }
        expect(first.getTime()).toBeGreaterThan(afterMs);
        expect(matchesFields(spec, wallOf(first.getTime(), zone))).toBe(true);
        expect(isRepeat(first.getTime(), zone)).toBe(false);
        const second = schedule.next(first);
        if (second !== undefined) {
          expect(second.getTime()).toBeGreaterThan(first.getTime());
          expect(matchesFields(spec, wallOf(second.getTime(), zone))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with a minute-by-minute reference over a 48-hour window', () => {
    const WINDOW = 48 * HOUR;
    fc.assert(
      fc.property(cronSpec, zoneAndInstant, (spec, [zone, afterMs]) => {
        const actual = parseScheduleExpression(spec.expression, zone).next(new Date(afterMs))?.getTime();
        // Reference: walk every UTC minute; a wall time fires at its first occurrence only, so
        // remember the latest wall time seen (starting 3 hours early to see a repeated hour's first pass).
        let latestWall = -Infinity;
        let expected: number | undefined;
        const firstMinute = Math.floor(afterMs / 60_000) * 60_000 - 3 * HOUR;
        for (let t = firstMinute; t <= afterMs + WINDOW && expected === undefined; t += 60_000) {
          const wall = fastWallOf(t, zone);
          const key = wallKey(wall);
          const firstOccurrence = key > latestWall;
          latestWall = Math.max(latestWall, key);
          if (t > afterMs && firstOccurrence && matchesFields(spec, wall)) expected = t;
        }
        if (expected === undefined) {
          expect(actual === undefined || actual > afterMs + WINDOW).toBe(true);
        } else {
          expect(actual).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});
