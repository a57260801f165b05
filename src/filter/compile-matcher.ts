/**
 * Turns a checked `ObjectPattern` into a tree of closures, once per mapping, so that
 * matching a record never re-reads the pattern.
 *
 * Matching semantics (EventBridge's):
 * - every field of an object level must match, and one branch of every `$or` group;
 * - a leaf matches when any listed rule matches the field's value; when the value is
 *   an array (nested arrays are flattened), when any of its scalar elements does;
 * - a nested object pattern applied to an array of objects matches when one element
 *   matches the whole nested pattern (fields from different elements never combine);
 * - `exists` works on leaves only: a field holding an object (or only objects, or an
 *   empty array) does not "exist" for `exists: true` and does for `exists: false`;
 * - at the top level, the source's data key (`body`, `data`, `dynamodb`) only matches a
 *   JSON-object pattern when the data is a JSON object, and a value-list pattern when
 *   it is a plain string: a mismatch drops the record, as Lambda does.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-exists-matching
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-sqs
 */
import type { ObjectPattern, FieldRule } from './pattern-types.js';
import { compileLeafTest, type ValueTest } from './compile-leaf.js';

/** Matches a filter view (or a nested object of it). */
export type ViewMatcher = (view: Readonly<Record<string, unknown>>) => boolean;

interface CompiledObject {
  readonly match: ViewMatcher;
  /** What the pattern says about an absent object (only `exists: false` leaves can match it). */
  readonly matchesEmpty: boolean;
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Compiles a pattern; `dataKey` is the source's data key, guarded at the top level. */
export function compilePatternMatcher(pattern: ObjectPattern, dataKey?: string): ViewMatcher {
  return compileObject(pattern, dataKey).match;
}

function compileObject(pattern: ObjectPattern, dataKey: string | undefined): CompiledObject {
  const checks: ViewMatcher[] = pattern.fields.map((field) => compileField(field, dataKey));
  for (const group of pattern.anyOf) {
    const branches = group.branches.map((branch) => compileObject(branch, dataKey).match);
    checks.push(someOf(branches));
  }
  const match = everyOf(checks);
  return { match, matchesEmpty: match(EMPTY) };
}

function compileField(field: FieldRule, dataKey: string | undefined): ViewMatcher {
  const { key } = field;
  // Keys such as "constructor" must not read Object.prototype; others are read inline.
  if (PROTOTYPE_KEYS.has(key)) {
    const test = fieldValueTest(field, false);
    return (o) => test(Object.hasOwn(o, key) ? o[key] : undefined);
  }
  const test = fieldValueTest(field, key === dataKey);
  return (o) => test(o[key]);
}

/** The test of a field's value; `guarded` for the source's data key at the top level. */
function fieldValueTest(field: FieldRule, guarded: boolean): ValueTest {
  if (field.kind === 'leaf') {
    const test = compileLeafTest(field.rules);
    return guarded ? (v) => typeof v === 'string' && test(v) : test;
  }
  const nested = compileObject(field.pattern, undefined);
  if (!guarded) return objectValueTest(nested);
  const { match } = nested;
  return (v) => isPlainObject(v) && match(v);
}

function objectValueTest(nested: CompiledObject): ValueTest {
  const { match, matchesEmpty } = nested;
  return (v) => {
    if (v === null || typeof v !== 'object') return matchesEmpty;
    if (!Array.isArray(v)) return match(v as Readonly<Record<string, unknown>>);
    const found = scanObjects(v, match);
    return found === FOUND || (found === NONE && matchesEmpty);
  };
}

const NONE = 0;
const SEEN = 1;
const FOUND = 2;

/** Looks for an object element (arrays flattened, iteratively) that matches. */
function scanObjects(items: readonly unknown[], match: ViewMatcher): number {
  let result = NONE;
  let pending: (readonly unknown[])[] | undefined;
  let current: readonly unknown[] | undefined = items;
  while (current !== undefined) {
    for (const item of current) {
      if (item === null || typeof item !== 'object') continue;
      if (Array.isArray(item)) {
        (pending ??= []).push(item);
        continue;
      }
      if (match(item as Readonly<Record<string, unknown>>)) return FOUND;
      result = SEEN;
    }
    current = pending?.pop();
  }
  return result;
}

function isPlainObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function everyOf(checks: readonly ViewMatcher[]): ViewMatcher {
  const [a, b, c] = checks;
  switch (checks.length) {
    case 0:
      return () => true;
    case 1:
      return a as ViewMatcher;
    case 2:
      return (o) => (a as ViewMatcher)(o) && (b as ViewMatcher)(o);
    case 3:
      return (o) => (a as ViewMatcher)(o) && (b as ViewMatcher)(o) && (c as ViewMatcher)(o);
    default:
      return (o) => {
        for (const check of checks) if (!check(o)) return false;
        return true;
      };
  }
}

function someOf(checks: readonly ViewMatcher[]): ViewMatcher {
  return (o) => {
    for (const check of checks) if (check(o)) return true;
    return false;
  };
}
