/**
 * Compiles a leaf's value list into one test of the field's value.
 *
 * Per value (EventBridge semantics): exact strings, booleans and null compare by
 * type and value; exact numbers compare numerically (event bodies go through
 * `JSON.parse`, which keeps no number text, and EventBridge's matcher adds a numeric
 * equality for every number in a pattern); string operators match strings only;
 * `numeric` matches numbers only; `anything-but` matches every value it does not
 * exclude, of any type (a number is never excluded by a string list, nor a string by a
 * number list); an exact string that is an IP address also matches the same address
 * written differently.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
import { ipInRange, parseIp, type IpRange } from './ip-address.js';
import type { LeafRule } from './pattern-types.js';
import { compileWildcard } from './wildcard.js';

/** Tests a field's value (`undefined` when the field is absent). */
export type ValueTest = (value: unknown) => boolean;

const NONE = 0;
const NO_MATCH = 1;
const MATCH = 2;

/** Compiles the rules of one leaf (they are OR-ed). */
export function compileLeafTest(rules: readonly LeafRule[]): ValueTest {
  let existsTrue = false;
  let existsFalse = false;
  for (const rule of rules) {
    if (rule.kind === 'exists') {
      if (rule.exists) existsTrue = true;
      else existsFalse = true;
    }
  }
  const tests = scalarTests(rules);
  const scalar = someOf(tests);
  if (!existsTrue && !existsFalse && scalar !== undefined) {
    // Every test but anything-but is false for undefined, arrays and objects: test first.
    if (!rules.some((rule) => rule.kind === 'anything-but')) {
      return (v) => scalar(v) || (Array.isArray(v) && scanLeaves(v, scalar) === MATCH);
    }
    return (v) => {
      if (v === null || typeof v !== 'object') return v !== undefined && scalar(v);
      return Array.isArray(v) && scanLeaves(v, scalar) === MATCH;
    };
  }
  return (v) => {
    if (v === undefined) return existsFalse;
    if (v === null || typeof v !== 'object') return existsTrue || (scalar !== undefined && scalar(v));
    if (!Array.isArray(v)) return existsFalse;
    const found = scanLeaves(v, scalar);
    return found === MATCH || (found === NO_MATCH ? existsTrue : existsFalse);
  };
}

/**
 * Scalar elements of an array (nested arrays flattened): none, some but no match, or a
 * match. Iterative, so that a deeply nested event array cannot overflow the stack.
 */
function scanLeaves(items: readonly unknown[], test: ValueTest | undefined): number {
  let result = NONE;
  let pending: (readonly unknown[])[] | undefined;
  let current: readonly unknown[] | undefined = items;
  while (current !== undefined) {
    for (const item of current) {
      if (item !== null && typeof item === 'object') {
        if (Array.isArray(item)) (pending ??= []).push(item);
        continue;
      }
      if (test !== undefined && test(item)) return MATCH;
      result = NO_MATCH;
    }
    current = pending?.pop();
  }
  return result;
}

function scalarTests(rules: readonly LeafRule[]): ValueTest[] {
  const tests: ValueTest[] = [];
  const strings = new Set<string>();
  const numbers = new Set<number>();
  for (const rule of rules) {
    switch (rule.kind) {
      case 'exact': {
        const { value } = rule;
        if (typeof value === 'string') {
          const ip = parseIp(value);
          if (ip === undefined) strings.add(value);
          else tests.push(sameIp(value, { family: ip.family, low: ip.value, high: ip.value }));
        } else if (typeof value === 'number') numbers.add(value);
        else tests.push((v) => v === value);
        break;
      }
      case 'string':
        tests.push(stringTest(rule.operator, rule.value));
        break;
      case 'anything-but':
        tests.push(anythingButTest(rule));
        break;
      case 'numeric':
        tests.push(numericTest(rule.lower, rule.upper));
        break;
      case 'cidr': {
        const { range } = rule;
        tests.push((v) => typeof v === 'string' && ipInRange(v, range));
        break;
      }
      case 'exists':
        break;
    }
  }
  if (numbers.size > 0) tests.unshift(membership(numbers));
  if (strings.size > 0) tests.unshift(membership(strings));
  return tests;
}

function membership<T>(values: ReadonlySet<T>): ValueTest {
  if (values.size === 1) {
    const [only] = values;
    return (v) => v === only;
  }
  return (v) => values.has(v as T);
}

function sameIp(text: string, range: IpRange): ValueTest {
  return (v) => v === text || (typeof v === 'string' && ipInRange(v, range));
}

function stringTest(operator: Extract<LeafRule, { kind: 'string' }>['operator'], value: string): ValueTest {
  const lower = value.toLowerCase();
  switch (operator) {
    case 'prefix':
      return (v) => typeof v === 'string' && v.startsWith(value);
    case 'suffix':
      return (v) => typeof v === 'string' && v.endsWith(value);
    case 'equals-ignore-case':
      return (v) => typeof v === 'string' && v.toLowerCase() === lower;
    case 'prefix-ignore-case':
      return (v) => typeof v === 'string' && v.toLowerCase().startsWith(lower);
    case 'suffix-ignore-case':
      return (v) => typeof v === 'string' && v.toLowerCase().endsWith(lower);
    case 'wildcard': {
      const regex = wildcardRegex(value);
      return (v) => typeof v === 'string' && regex.test(v);
    }
  }
}

function anythingButTest(rule: Extract<LeafRule, { kind: 'anything-but' }>): ValueTest {
  const strings = rule.values.filter((v): v is string => typeof v === 'string');
  switch (rule.form) {
    case 'values': {
      const excluded = new Set<unknown>(rule.values);
      return (v) => !excluded.has(v);
    }
    case 'prefix':
      return (v) => typeof v !== 'string' || !strings.some((p) => v.startsWith(p));
    case 'suffix':
      return (v) => typeof v !== 'string' || !strings.some((s) => v.endsWith(s));
    case 'equals-ignore-case': {
      const excluded = new Set(strings.map((s) => s.toLowerCase()));
      return (v) => typeof v !== 'string' || !excluded.has(v.toLowerCase());
    }
    case 'wildcard': {
      const regexes = strings.map(wildcardRegex);
      return (v) => typeof v !== 'string' || !regexes.some((r) => r.test(v));
    }
  }
}

function numericTest(lower: { value: number; inclusive: boolean } | undefined, upper: { value: number; inclusive: boolean } | undefined): ValueTest {
  const lo = lower?.value ?? -Infinity;
  const hi = upper?.value ?? Infinity;
  const loIn = lower?.inclusive ?? true;
  const hiIn = upper?.inclusive ?? true;
  if (upper === undefined) {
    return loIn ? (v) => typeof v === 'number' && v >= lo : (v) => typeof v === 'number' && v > lo;
  }
  if (lower === undefined) {
    return hiIn ? (v) => typeof v === 'number' && v <= hi : (v) => typeof v === 'number' && v < hi;
  }
  return (v) => typeof v === 'number' && (loIn ? v >= lo : v > lo) && (hiIn ? v <= hi : v < hi);
}

function wildcardRegex(value: string): RegExp {
  const compiled = compileWildcard(value);
  // Patterns are checked before they are compiled; an invalid one never gets here.
  if (!compiled.ok) throw new Error(`unchecked wildcard: ${compiled.message}`);
  return compiled.regex;
}

function someOf(tests: readonly ValueTest[]): ValueTest | undefined {
  const [a, b] = tests;
  switch (tests.length) {
    case 0:
      return undefined;
    case 1:
      return a;
    case 2:
      return (v) => (a as ValueTest)(v) || (b as ValueTest)(v);
    default:
      return (v) => {
        for (const test of tests) if (test(v)) return true;
        return false;
      };
  }
}
