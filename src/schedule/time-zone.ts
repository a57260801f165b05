/**
 * Wall-clock arithmetic in IANA time zones with `Intl.DateTimeFormat` only (no tz library).
 *
 * A "wall time" is what a clock on the wall of that zone shows; it is carried as its own
 * calendar fields, and as `wallMs`: those fields read as if they were UTC (`Date.UTC(...)`),
 * which makes calendar arithmetic and comparisons plain number operations.
 */

/** Calendar fields of a wall-clock time. `month` is 1-12. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function isUtc(timeZone: string): boolean {
  return timeZone === 'UTC' || timeZone === 'Etc/UTC';
}

/** The cached formatter for a zone; throws RangeError for an unknown zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `Intl` knows the zone (an IANA name such as `Europe/Paris`, or `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === '' || timeZone !== timeZone.trim()) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of `instantMs` in `timeZone` (seconds kept, milliseconds dropped). */
export function wallTimeAt(instantMs: number, timeZone: string): WallTime {
  if (isUtc(timeZone)) return wallTimeFromMs(Math.floor(instantMs / 1000) * 1000);
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields['year'] ?? Number.NaN,
    month: fields['month'] ?? Number.NaN,
    day: fields['day'] ?? Number.NaN,
    // Some ICU versions print midnight as 24 even with h23.
    hour: (fields['hour'] ?? Number.NaN) % 24,
    minute: fields['minute'] ?? Number.NaN,
    second: fields['second'] ?? Number.NaN,
  };
}

/** `Date.UTC` of the wall fields: the wall time as a number, for arithmetic. */
export function wallMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** The inverse of {@link wallMs}. */
export function wallTimeFromMs(ms: number): WallTime {
  const date = new Date(ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}

/** The zone's offset from UTC at `instantMs`, in milliseconds (east positive: Paris in summer is +7,200,000). */
export function offsetAt(instantMs: number, timeZone: string): number {
  if (isUtc(timeZone)) return 0;
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return wallMs(wallTimeAt(wholeSecond, timeZone)) - wholeSecond;
}

/**
 * Every instant at which the zone's clocks show `wall`, earliest first: none in a spring-forward gap
 * (the wall time does not exist), two in a fall-back overlap (it happens twice), one otherwise.
 *
 * Offsets are sampled a day before and a day after, which brackets any single transition near `wall`.
 */
export function instantsForWallTime(wall: WallTime, timeZone: string): number[] {
  const local = wallMs(wall);
  if (isUtc(timeZone)) return [local];
  const candidates = new Set([offsetAt(local - DAY_MS, timeZone), offsetAt(local + DAY_MS, timeZone)]);
  const instants: number[] = [];
  for (const offset of candidates) {
    const instant = local - offset;
    if (offsetAt(instant, timeZone) === offset) instants.push(instant);
  }
  return instants.sort((a, b) => a - b);
}

/**
 * The instant of a one-time wall time, resolved the way `java.time.ZonedDateTime.of` and Temporal's
 * `compatible` disambiguation do: a repeated time takes its earlier instant; a time inside a gap is
 * moved later by the length of the gap (02:30 on a spring-forward day at 02:00 becomes 03:30).
 */
export function resolveWallTime(wall: WallTime, timeZone: string): number {
  const instants = instantsForWallTime(wall, timeZone);
  const first = instants[0];
  if (first !== undefined) return first;
  // In a gap: read the wall time with the offset in force before the gap.
  return wallMs(wall) - offsetAt(wallMs(wall) - DAY_MS, timeZone);
}

/** `+02:00`, `-04:00`, `+05:45`, `+00:00`. */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${sign}${hh}:${mm}`;
}

/** `2025-03-30T03:00:00+02:00`: the instant as the zone's clocks show it, with the offset. */
export function formatLocalIso(instantMs: number, timeZone: string): string {
  const wall = wallTimeAt(instantMs, timeZone);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const date = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
  const time = `${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
  return `${date}T${time}${formatOffset(offsetAt(instantMs, timeZone))}`;
}
