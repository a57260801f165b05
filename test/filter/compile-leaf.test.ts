/**
 * Operator semantics on single values, with the EventBridge user guide's examples,
 * compiled in the `eventbridge` dialect so that the operators Lambda lacks are covered too.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
import { describe, expect, it } from 'vitest';
import { compilePattern } from '../../src/filter/compile-pattern.js';

const ABSENT = Symbol('absent');

interface Case {
  readonly rule: unknown;
  readonly value: unknown;
  readonly matches: boolean;
}

function matches(rule: unknown, value: unknown): boolean {
  const { match } = compilePattern(JSON.stringify({ field: [rule] }), { source: 's3', dialect: 'eventbridge' });
  return match(value === ABSENT ? {} : { field: value });
}

function table(cases: readonly Case[]): void {
  it.each(cases.map((c) => ({ ...c, shown: c.value === ABSENT ? '(absent)' : JSON.stringify(c.value) })))(
    '$rule against $shown: $matches',
    ({ rule, value, matches: expected }) => {
      expect(matches(rule, value)).toBe(expected);
    },
  );
}

describe('exact values', () => {
  table([
    { rule: 'Alice', value: 'Alice', matches: true },
    { rule: 'Alice', value: 'alice', matches: false },
    { rule: 'Alice', value: ABSENT, matches: false },
    { rule: '', value: '', matches: true },
    { rule: '', value: ABSENT, matches: false },
    { rule: null, value: null, matches: true },
    { rule: null, value: 'null', matches: false },
    { rule: null, value: ABSENT, matches: false },
    { rule: true, value: true, matches: true },
    { rule: true, value: 'true', matches: false },
    { rule: false, value: 0, matches: false },
    { rule: 100, value: 100, matches: true },
    { rule: 100, value: '100', matches: false },
    { rule: 300, value: 3.0e2, matches: true },
    { rule: 1.5, value: 1.5, matches: true },
    { rule: 'us-east-1', value: ['eu-west-1', 'us-east-1'], matches: true },
    { rule: 'us-east-1', value: [['eu-west-1'], ['us-east-1']], matches: true },
    { rule: 'us-east-1', value: [], matches: false },
    { rule: 'x', value: { x: 'x' }, matches: false },
    { rule: '10.0.0.1', value: '10.0.0.1', matches: true },
    { rule: '::1', value: '0:0:0:0:0:0:0:1', matches: true },
    { rule: '2001:db8::1', value: '2001:DB8:0:0::1', matches: true },
    { rule: '10.0.0.1', value: '10.0.0.2', matches: false },
  ]);
});

describe('prefix, suffix, equals-ignore-case', () => {
  table([
    { rule: { prefix: '2017-10-02' }, value: '2017-10-02T18:43:48Z', matches: true },
    { rule: { prefix: '2017-10-02' }, value: '2017-10-03T00:00:00Z', matches: false },
    { rule: { prefix: '1' }, value: 12, matches: false },
    { rule: { prefix: '' }, value: 'anything', matches: true },
    { rule: { prefix: { 'equals-ignore-case': 'EventB' } }, value: 'eventbridge', matches: true },
    { rule: { prefix: { 'equals-ignore-case': 'EventB' } }, value: 'EVENTBUS', matches: true },
    { rule: { prefix: { 'equals-ignore-case': 'EventB' } }, value: 'events', matches: false },
    { rule: { suffix: '.png' }, value: 'image.png', matches: true },
    { rule: { suffix: '.png' }, value: 'image.PNG', matches: false },
    { rule: { suffix: { 'equals-ignore-case': '.png' } }, value: 'image.PNG', matches: true },
    { rule: { suffix: { 'equals-ignore-case': '.png' } }, value: 'png', matches: false },
    { rule: { 'equals-ignore-case': 'ec2 instance state-change notification' }, value: 'EC2 Instance State-change Notification', matches: true },
    { rule: { 'equals-ignore-case': 'alice' }, value: 'Alicia', matches: false },
    { rule: { 'equals-ignore-case': 'true' }, value: true, matches: false },
  ]);
});

describe('wildcard', () => {
  table([
    { rule: { wildcard: 'Simple*Service' }, value: 'SimpleQueueService', matches: true },
    { rule: { wildcard: 'Simple*Service' }, value: 'SimpleService', matches: true },
    { rule: { wildcard: 'Simple*Service' }, value: 'SimpleQueueService2', matches: false },
    { rule: { wildcard: '*/lib/*' }, value: '/usr/lib/node', matches: true },
    { rule: { wildcard: '*/lib/*' }, value: '/usr/bin/node', matches: false },
    { rule: { wildcard: 'a*' }, value: 'a\nb', matches: true },
    { rule: { wildcard: 'a\\*b' }, value: 'a*b', matches: true },
    { rule: { wildcard: 'a\\*b' }, value: 'axb', matches: false },
    { rule: { wildcard: 'a\\\\b' }, value: 'a\\b', matches: true },
    { rule: { wildcard: 'a.c' }, value: 'abc', matches: false },
    { rule: { wildcard: '*' }, value: 5, matches: false },
  ]);
});

describe('anything-but', () => {
  table([
    { rule: { 'anything-but': 'initializing' }, value: 'running', matches: true },
    { rule: { 'anything-but': 'initializing' }, value: 'initializing', matches: false },
    { rule: { 'anything-but': 'initializing' }, value: 5, matches: true },
    { rule: { 'anything-but': 'initializing' }, value: null, matches: true },
    { rule: { 'anything-but': 'initializing' }, value: ABSENT, matches: false },
    { rule: { 'anything-but': 'initializing' }, value: ['initializing', 'running'], matches: true },
    { rule: { 'anything-but': 'initializing' }, value: ['initializing'], matches: false },
    { rule: { 'anything-but': 123 }, value: 123, matches: false },
    { rule: { 'anything-but': 123 }, value: 124, matches: true },
    { rule: { 'anything-but': 123 }, value: '123', matches: true },
    { rule: { 'anything-but': ['stopped', 'overloaded'] }, value: 'overloaded', matches: false },
    { rule: { 'anything-but': ['stopped', 'overloaded'] }, value: 'running', matches: true },
    { rule: { 'anything-but': [100, 200, 300] }, value: 200, matches: false },
    { rule: { 'anything-but': [100, 200, 300] }, value: 201, matches: true },
    { rule: { 'anything-but': { prefix: 'init' } }, value: 'initializing', matches: false },
    { rule: { 'anything-but': { prefix: 'init' } }, value: 'running', matches: true },
    { rule: { 'anything-but': { prefix: 'init' } }, value: 7, matches: true },
    { rule: { 'anything-but': { prefix: ['init', 'error'] } }, value: 'error: disk', matches: false },
    { rule: { 'anything-but': { suffix: '1234' } }, value: 'i-1234', matches: false },
    { rule: { 'anything-but': { suffix: '1234' } }, value: 'i-5678', matches: true },
    { rule: { 'anything-but': { suffix: ['1234', '6789'] } }, value: 'i-6789', matches: false },
    { rule: { 'anything-but': { 'equals-ignore-case': 'Stopped' } }, value: 'STOPPED', matches: false },
    { rule: { 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }, value: 'overloaded', matches: false },
    { rule: { 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }, value: 'running', matches: true },
    { rule: { 'anything-but': { wildcard: '*/lib/*' } }, value: '/usr/lib/x', matches: false },
    { rule: { 'anything-but': { wildcard: '*/lib/*' } }, value: '/usr/bin/x', matches: true },
    { rule: { 'anything-but': { wildcard: ['*/bin/*.jar', '*/bin/*.class'] } }, value: '/opt/bin/app.class', matches: false },
  ]);
});

describe('numeric', () => {
  table([
    { rule: { numeric: ['=', 100] }, value: 100, matches: true },
    { rule: { numeric: ['=', 100] }, value: 100.5, matches: false },
    { rule: { numeric: ['=', 3.018e2] }, value: 301.8, matches: true },
    { rule: { numeric: ['=', 100] }, value: '100', matches: false },
    { rule: { numeric: ['>', 10] }, value: 10, matches: false },
    { rule: { numeric: ['>', 10] }, value: 10.000001, matches: true },
    { rule: { numeric: ['>=', 10] }, value: 10, matches: true },
    { rule: { numeric: ['<', 10] }, value: 10, matches: false },
    { rule: { numeric: ['<', 10] }, value: -1e300, matches: true },
    { rule: { numeric: ['<=', 10] }, value: 10, matches: true },
    { rule: { numeric: ['>', 10, '<=', 20] }, value: 20, matches: true },
    { rule: { numeric: ['>', 10, '<=', 20] }, value: 10, matches: false },
    { rule: { numeric: ['>=', 10, '<', 20] }, value: 10, matches: true },
    { rule: { numeric: ['>=', 10, '<', 20] }, value: 20, matches: false },
    { rule: { numeric: ['>', 0] }, value: [-1, 3], matches: true },
    { rule: { numeric: ['>', 0] }, value: null, matches: false },
    { rule: { numeric: ['>', 0] }, value: true, matches: false },
  ]);
});

describe('exists', () => {
  table([
    { rule: { exists: true }, value: 'x', matches: true },
    { rule: { exists: true }, value: null, matches: true },
    { rule: { exists: true }, value: ABSENT, matches: false },
    { rule: { exists: true }, value: { nested: 1 }, matches: false },
    { rule: { exists: true }, value: [], matches: false },
    { rule: { exists: true }, value: [{ nested: 1 }], matches: false },
    { rule: { exists: true }, value: [1], matches: true },
    { rule: { exists: false }, value: ABSENT, matches: true },
    { rule: { exists: false }, value: 'x', matches: false },
    { rule: { exists: false }, value: { nested: 1 }, matches: true },
    { rule: { exists: false }, value: [], matches: true },
    { rule: { exists: false }, value: [1], matches: false },
  ]);
});

describe('cidr', () => {
  table([
    { rule: { cidr: '10.0.0.0/24' }, value: '10.0.0.255', matches: true },
    { rule: { cidr: '10.0.0.0/24' }, value: '10.0.1.0', matches: false },
    { rule: { cidr: '10.0.0.0/24' }, value: 'not an ip', matches: false },
    { rule: { cidr: '10.0.0.0/24' }, value: 167772160, matches: false },
    { rule: { cidr: '10.0.0.0/8' }, value: '10.255.255.255', matches: true },
    { rule: { cidr: '0.0.0.0/0' }, value: '255.255.255.255', matches: true },
    { rule: { cidr: '2001:db8::/32' }, value: '2001:db8:ffff::1', matches: true },
    { rule: { cidr: '2001:db8::/32' }, value: '2001:db9::1', matches: false },
    { rule: { cidr: '2001:db8::/32' }, value: '10.0.0.1', matches: false },
  ]);
});

describe('a value list ORs its rules', () => {
  table([
    { rule: 'Credit', value: 'Debit', matches: false },
    { rule: 'Debit', value: 'Debit', matches: true },
  ]);

  it('matches when any rule in the list matches', () => {
    const { match } = compilePattern('{"p": ["Credit", "Debit", {"prefix": "Gift"}, {"numeric": [">", 0]}, {"exists": false}]}', { source: 's3' });
    expect([{ p: 'Debit' }, { p: 'Gift card' }, { p: 3 }, {}, { p: 'Cash' }, { p: -1 }].map(match)).toEqual([true, true, true, true, false, false]);
  });
});

describe('deeply nested event arrays', () => {
  it('are flattened without overflowing the stack', () => {
    let deep: unknown = ['needle'];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(matches('needle', deep)).toBe(true);
    expect(matches('other', deep)).toBe(false);
    const { match } = compilePattern('{"field": {"x": [1]}}', { source: 's3' });
    let objects: unknown = [{ x: 1 }];
    for (let i = 0; i < 200_000; i++) objects = [objects];
    expect(match({ field: objects })).toBe(true);
  });
});
