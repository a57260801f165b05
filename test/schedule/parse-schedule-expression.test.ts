import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/errors.js';
import { checkScheduleExpression, parseScheduleExpression } from '../../src/schedule/parse-schedule-expression.js';

describe('parseScheduleExpression: valid expressions', () => {
  it.each([
    ['rate(1 minute)', 'rate'],
    ['rate(5 minutes)', 'rate'],
    ['rate(1 hour)', 'rate'],
    ['rate(12 hours)', 'rate'],
    ['rate(1 day)', 'rate'],
    ['rate(7 days)', 'rate'],
    ['cron(0 10 * * ? *)', 'cron'],
    ['cron(0/30 20-2 ? * MON-FRI *)', 'cron'],
    ['cron(15 10 ? * 6L 2019-2022)', 'cron'],
    ['cron(0 9 ? * 2#1 *)', 'cron'],
    ['cron(0 9 ? * mon#1 *)', 'cron'],
    ['cron(0 0 LW * ? *)', 'cron'],
    ['cron(0 0 L * ? *)', 'cron'],
    ['cron(0 0 15W * ? *)', 'cron'],
    ['cron(0 0 ? * L *)', 'cron'],
    ['cron(*/5 * * * ? *)', 'cron'],
    ['cron(10-50/10 * * * ? *)', 'cron'],
    ['cron(0 0 1 JAN,jul ? 2024/4)', 'cron'],
    ['cron(0 0 ? JUL-DEC WED *)', 'cron'],
    ['at(2028-02-29T23:59:59)', 'at'],
  ] as const)('%s is a %s schedule', (expression, kind) => {
    const schedule = parseScheduleExpression(expression, 'Europe/Paris');
    expect(schedule.kind).toBe(kind);
    expect(schedule.expression).toBe(expression);
    expect(schedule.timezone).toBe('Europe/Paris');
    expect(checkScheduleExpression(expression, 'Europe/Paris')).toBeUndefined();
  });

  it('defaults the time zone to UTC', () => {
    expect(parseScheduleExpression('rate(1 hour)').timezone).toBe('UTC');
  });
});

const prefix = (expression: string): string => `Invalid schedule expression "${expression}": `;

describe('parseScheduleExpression: invalid expressions name the field and the token', () => {
  it.each([
    // Both day fields, or neither.
    ['cron(0 10 * * MON *)', 'day-of-month "*" and day-of-week "MON" are both specified: use "?" in one of them'],
    ['cron(0 10 1 * 2 *)', 'day-of-month "1" and day-of-week "2" are both specified: use "?" in one of them'],
    ['cron(0 10 ? * ? *)', 'day-of-month and day-of-week are both "?": specify one of them'],
    // `?` outside the day fields.
    ['cron(? 10 * * ? *)', 'minutes field, "?": "?" is only allowed in the day-of-month or day-of-week field'],
    ['cron(0 ? * * ? *)', 'hours field, "?": "?" is only allowed in the day-of-month or day-of-week field'],
    ['cron(0 10 ?? * * *)', 'day-of-month field, "??": "?" must stand alone'],
    // Ranges of values.
    ['cron(0 10 ? * 0 *)', 'day-of-week field, "0": 0 is out of range 1-7 or SUN-SAT, 1 = SUN'],
    ['cron(0 10 ? * 8 *)', 'day-of-week field, "8": 8 is out of range 1-7 or SUN-SAT, 1 = SUN'],
    ['cron(0 10 ? * 0-3 *)', 'day-of-week field, "0-3": 0 is out of range 1-7 or SUN-SAT, 1 = SUN'],
    ['cron(0 10 32 * ? *)', 'day-of-month field, "32": 32 is out of range 1-31'],
    ['cron(0 10 0 * ? *)', 'day-of-month field, "0": 0 is out of range 1-31'],
    ['cron(60 10 * * ? *)', 'minutes field, "60": 60 is out of range 0-59'],
    ['cron(0 24 * * ? *)', 'hours field, "24": 24 is out of range 0-23'],
    ['cron(0 10 * 13 ? *)', 'month field, "13": 13 is out of range 1-12 or JAN-DEC'],
    ['cron(0 10 * * ? 1969)', 'year field, "1969": 1969 is out of range 1970-2199'],
    ['cron(0 10 * * ? 2200)', 'year field, "2200": 2200 is out of range 1970-2199'],
    ['cron(0 10 * * ? 2030-2020)', 'year field, "2030-2020": the range 2030-2020 runs backwards'],
    ['cron(0 10 * FOO ? *)', 'month field, "FOO": "FOO" is not a number or one of JAN,FEB,MAR,APR,MAY,JUN,JUL,AUG,SEP,OCT,NOV,DEC'],
    ['cron(x 10 * * ? *)', 'minutes field, "x": "x" is not a number'],
    // Wildcards in fields that do not take them.
    ['cron(5L * * * ? *)', 'minutes field, "5L": "L" is only allowed in the day-of-month or day-of-week field'],
    ['cron(0 1W * * ? *)', 'hours field, "1W": "W" is only allowed in the day-of-month field'],
    ['cron(0 10 1#2 * ? *)', 'day-of-month field, "1#2": "#" is only allowed in the day-of-week field'],
    ['cron(0 10 ? * */2 *)', 'day-of-week field, "*/2": "/" is only allowed in the minutes, hours, day-of-month, month or year field'],
    // L, W and #.
    ['cron(0 10 ? * 3#1,6#3 *)', 'day-of-week field, "3#1,6#3": only one expression is allowed with "#" (for example "3#2")'],
    ['cron(0 10 ? * 3#6 *)', 'day-of-week field, "3#6": the occurrence after "#" must be 1 to 5, got "6"'],
    ['cron(0 10 ? * 3#0 *)', 'day-of-week field, "3#0": the occurrence after "#" must be 1 to 5, got "0"'],
    ['cron(0 10 L,15 * ? *)', 'day-of-month field, "L,15": "L" must stand alone ("L" or "LW") in day-of-month'],
    ['cron(0 10 1-5W * ? *)', 'day-of-month field, "1-5W": "W" must follow a single day, as in "15W", or "L" as in "LW"'],
    ['cron(0 10 32W * ? *)', 'day-of-month field, "32W": 32 is out of range 1-31'],
    ['cron(0 10 ? * 2,6L *)', 'day-of-week field, "2,6L": "L" must stand alone ("L") or follow one day ("6L" is the last Friday)'],
    // Increments and list syntax.
    ['cron(0/0 * * * ? *)', 'minutes field, "0/0": the increment after "/" must be a whole number from 1 to 60, got "0"'],
    ['cron(0/61 * * * ? *)', 'minutes field, "0/61": the increment after "/" must be a whole number from 1 to 60, got "61"'],
    ['cron(1/2/3 * * * ? *)', 'minutes field, "1/2/3": "1/2/3" has more than one "/"'],
    ['cron(1-2-3 * * * ? *)', 'minutes field, "1-2-3": "1-2-3" is not a range of two values'],
    ['cron(,1 * * * ? *)', 'minutes field, ",1": empty item in the list'],
    ['cron(0 10 * * ?)', 'cron needs 6 fields (minutes hours day-of-month month day-of-week year), got 5'],
    ['cron(0 0 10 * * ? *)', 'cron needs 6 fields (minutes hours day-of-month month day-of-week year), got 7'],
    // rate.
    ['rate(1 minutes)', 'rate value 1 takes the singular unit "minute", not "minutes"'],
    ['rate(1 hours)', 'rate value 1 takes the singular unit "hour", not "hours"'],
    ['rate(5 hour)', 'rate value 5 takes the plural unit "hours", not "hour"'],
    ['rate(0 minutes)', 'rate value must be a positive whole number, got "0"'],
    ['rate(-1 minutes)', 'rate value must be a positive whole number, got "-1"'],
    ['rate(1.5 hours)', 'rate value must be a positive whole number, got "1.5"'],
    ['rate(5 weeks)', 'unknown rate unit "weeks" (use minute, minutes, hour, hours, day or days)'],
    ['rate(30 seconds)', 'unknown rate unit "seconds" (use minute, minutes, hour, hours, day or days)'],
    ['rate(5)', 'rate needs a value and a unit, as in "rate(5 minutes)", got "5"'],
    // at.
    ['at(2025-02-29T10:00:00)', 'at day 29 does not exist in 2025-02 in "2025-02-29T10:00:00"'],
    ['at(2100-02-29T10:00:00)', 'at day 29 does not exist in 2100-02 in "2100-02-29T10:00:00"'],
    ['at(2025-13-01T10:00:00)', 'at month 13 is out of range 1-12 in "2025-13-01T10:00:00"'],
    ['at(2025-01-01T24:00:00)', 'at hour 24 is out of range 0-23 in "2025-01-01T24:00:00"'],
    ['at(2025-01-01T10:60:00)', 'at minute 60 is out of range 0-59 in "2025-01-01T10:60:00"'],
    ['at(2025-01-01 10:00:00)', 'at needs a date and time as yyyy-mm-ddThh:mm:ss, got "2025-01-01 10:00:00"'],
    // Not an expression at all.
    ['Cron(0 10 * * ? *)', 'expected rate(value unit), cron(fields) or at(yyyy-mm-ddThh:mm:ss)'],
    ['every 5 minutes', 'expected rate(value unit), cron(fields) or at(yyyy-mm-ddThh:mm:ss)'],
  ])('%s', (expression, detail) => {
    expect(checkScheduleExpression(expression)).toBe(prefix(expression) + detail);
    expect(() => parseScheduleExpression(expression)).toThrow(
      expect.objectContaining({ name: 'SluiceError', code: 'InvalidScheduleExpression', message: prefix(expression) + detail }),
    );
  });

  it.each(['Mars/Base', 'Europe/Pariss', ' UTC', '', '+01:00'])('rejects the unknown time zone %j', (timezone) => {
    const message = `Invalid time zone "${timezone}" for schedule "cron(0 10 * * ? *)": use an IANA name such as "Europe/Paris" or "UTC"`;
    expect(checkScheduleExpression('cron(0 10 * * ? *)', timezone)).toBe(message);
    let caught: unknown;
    try {
      parseScheduleExpression('cron(0 10 * * ? *)', timezone);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SluiceError);
    expect((caught as SluiceError).code).toBe('InvalidScheduleExpression');
    expect((caught as SluiceError).retryable).toBe(false);
  });

  it.each(['UTC', 'Etc/UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe'])(
    'accepts the IANA time zone %s',
    (timezone) => {
      expect(checkScheduleExpression('rate(1 day)', timezone)).toBeUndefined();
    },
  );
});
