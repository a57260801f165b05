import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SourceType } from '../../src/config/types.js';
import { compilePattern } from '../../src/filter/compile-pattern.js';
import { checkFilterCriteria, compileFilterCriteria, FilterCriteriaError, filterView } from '../../src/filter/index.js';
import { parseIp } from '../../src/filter/ip-address.js';
import type { PipelineRecord } from '../../src/records.js';
import { criteria, dynamodbRecord, kinesisRecord, pipelineRecord, sqsRecord } from './record-factory.js';

const KEYS = ['a', 'b', 'c'] as const;

const scalar = fc.oneof(
  fc.constantFrom('x', 'y', 'us-east-1', 'eu-west-1', '', 'Alice', 'alice', 'ALICE'),
  fc.string({ maxLength: 6 }),
  fc.constantFrom(0, 1, 100, -5, 1.5, 5e9, 1e12),
  fc.integer({ min: -200, max: 200 }),
  fc.boolean(),
  fc.constant(null),
);

/** Event values: scalars, arrays and objects over the pattern's keys. */
const { value: eventValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }),
  ),
}));
const eventObject = fc.dictionary(fc.constantFrom(...KEYS), eventValue, { maxKeys: 3 });

const text = fc.oneof(fc.constantFrom('x', 'us-', 'ali', 'e', ''), fc.string({ maxLength: 4 }));
const bound = fc.integer({ min: -300, max: 300 });

/** Leaf rules Lambda accepts. */
const leafRule: fc.Arbitrary<unknown> = fc.oneof(
  scalar.filter((v) => typeof v !== 'number' || Math.abs(v) <= 5e9),
  text.map((prefix) => ({ prefix })),
  text.map((suffix) => ({ suffix })),
  text.map((v) => ({ 'equals-ignore-case': v })),
  fc.oneof(text, bound).map((v) => ({ 'anything-but': v })),
  fc.oneof(fc.array(text, { minLength: 1, maxLength: 3 }), fc.array(bound, { minLength: 1, maxLength: 3 })).map((v) => ({ 'anything-but': v })),
  fc.tuple(fc.constantFrom('=', '<', '<=', '>', '>='), bound).map((t) => ({ numeric: t })),
  fc
    .tuple(fc.constantFrom('>', '>='), bound, fc.constantFrom('<', '<='), fc.integer({ min: 1, max: 100 }))
    .map(([lo, l, hi, width]) => ({ numeric: [lo, l, hi, l + width] })),
  fc.boolean().map((exists) => ({ exists })),
);
const leafList = fc.array(leafRule, { minLength: 1, maxLength: 3 });

/** Object patterns Lambda accepts, over the keys a, b, c, nested up to `depth` levels, with $or. */
function patternOf(depth: number): fc.Arbitrary<Record<string, unknown>> {
  const fieldValue = depth === 0 ? leafList : fc.oneof(leafList, patternOf(depth - 1));
  const fields = fc.dictionary(fc.constantFrom(...KEYS), fieldValue, { minKeys: 1, maxKeys: 2 });
  if (depth === 0) return fields;
  const or = fc.option(fc.array(patternOf(depth - 1), { minLength: 2, maxLength: 2 }), { freq: 3 });
  return fc.tuple(fields, or).map(([f, branches]) => (branches === null ? f : { ...f, $or: branches }));
}
const objectPattern = patternOf(2).filter((p) => JSON.stringify(p).length < 3000);

const sqsBody = fc.oneof({ weight: 4, arbitrary: eventObject.map((o): unknown => o) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });

function filterOf(patterns: unknown[], source: SourceType = 'sqs'): (record: PipelineRecord) => boolean {
  return compileFilterCriteria(criteria(...patterns.map((p) => JSON.stringify(p))), source);
}

describe('properties', () => {
  it('generated patterns are valid Lambda patterns', () => {
    fc.assert(
      fc.property(objectPattern, (p) => {
        expect(checkFilterCriteria(criteria({ body: p }), 'sqs')).toEqual([]);
      }),
    );
  });

  it('random patterns against random records never throw', () => {
    const operatorKeys = ['a', 'b', 'prefix', 'suffix', 'anything-but', 'numeric', 'exists', '$or', 'wildcard', 'cidr', 'equals-ignore-case', 'body', 'data', 'dynamodb', 'S'];
    const { junk } = fc.letrec<{ junk: unknown }>((tie) => ({
      junk: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.constantFrom('=', '>', '<=', '10.0.0.0/8', '*.png', 'a**'),
        fc.array(tie('junk'), { maxLength: 4 }),
        fc.dictionary(fc.constantFrom(...operatorKeys), tie('junk'), { maxKeys: 3 }),
      ),
    }));
    const patternText = fc.oneof(
      objectPattern.map((p) => JSON.stringify({ body: p })),
      objectPattern.map((p) => JSON.stringify(p)),
      junk.map((j) => JSON.stringify(j) ?? 'null'),
      fc.json(),
      fc.string({ maxLength: 20 }),
    );
    const records = fc.oneof(
      sqsBody.map((b) => sqsRecord(b)),
      eventObject.map((d) => kinesisRecord(d)),
      fc.string({ maxLength: 8 }).map((d) => kinesisRecord(d)),
      eventObject.map((d) => dynamodbRecord({ NewImage: d })),
      eventObject.map((d) => pipelineRecord('s3', d)),
    );
    fc.assert(
      fc.property(fc.array(patternText, { minLength: 1, maxLength: 5 }), records, (patterns, record) => {
        const c = criteria(...patterns);
        const problems = checkFilterCriteria(c, record.source);
        let filter: ((r: PipelineRecord) => boolean) | undefined;
        try {
          filter = compileFilterCriteria(c, record.source);
        } catch (err) {
          expect(err).toBeInstanceOf(FilterCriteriaError);
        }
        expect(filter === undefined).toBe(problems.length > 0);
        if (filter !== undefined) expect(typeof filter(record)).toBe('boolean');
      }),
      { numRuns: 1500 },
    );
  });

  it('anything-but [x] is the complement of [x] on present scalar fields (IP literals, compared as addresses, excluded)', () => {
    const x = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })).filter((v) => typeof v !== 'string' || parseIp(v) === undefined);
    fc.assert(
      fc.property(x, fc.oneof(scalar, fc.double({ noNaN: true, noDefaultInfinity: true })), fc.boolean(), (xv, other, same) => {
        const v = same ? xv : other;
        const record = sqsRecord({ f: v });
        const exact = filterOf([{ body: { f: [xv] } }])(record);
        const anythingBut = filterOf([{ body: { f: [{ 'anything-but': [xv] }] } }])(record);
        expect(anythingBut).toBe(!exact);
      }),
      { numRuns: 500 },
    );
  });

  it('a value list matches exactly when one of its single-value patterns does', () => {
    fc.assert(
      fc.property(leafList, fc.option(eventValue, { freq: 5 }), (rules, v) => {
        const record = sqsRecord(v === null ? { g: 1 } : { f: v });
        const list = filterOf([{ body: { f: rules } }])(record);
        const anyOne = filterOf(rules.map((r) => ({ body: { f: [r] } })))(record);
        expect(list).toBe(anyOne);
      }),
      { numRuns: 500 },
    );
  });

  it('$or of patterns matches exactly when one of the patterns, compiled as separate filters, does', () => {
    fc.assert(
      fc.property(fc.array(objectPattern, { minLength: 2, maxLength: 3 }), sqsBody, (patterns, body) => {
        const record = sqsRecord(body);
        const separate = filterOf(patterns.map((p) => ({ body: p })))(record);
        expect(filterOf([{ $or: patterns.map((p) => ({ body: p })) }])(record)).toBe(separate);
        expect(filterOf([{ body: { $or: patterns } }])(record)).toBe(separate);
      }),
      { numRuns: 1000 },
    );
  });

  it('a compiled filter (whose view holds only the keys patterns read) decides as its pattern does on the full filterView', () => {
    const rootKeys = fc.constantFrom('body', 'data', 'dynamodb', 'messageId', 'partitionKey', 'eventName', 'eventSource', 'a');
    const rootPattern = fc.dictionary(rootKeys, fc.oneof(objectPattern, leafList), { minKeys: 1, maxKeys: 2 });
    const records = fc.oneof(
      sqsBody.map((b) => sqsRecord(b)),
      eventObject.map((d) => kinesisRecord(d)),
      fc.string({ maxLength: 8 }).map((d) => kinesisRecord(d)),
      eventObject.map((d) => dynamodbRecord({ NewImage: d })),
    );
    fc.assert(
      fc.property(rootPattern, records, (p, record) => {
        const text = JSON.stringify(p);
        if (checkFilterCriteria(criteria(text), record.source).length > 0) return;
        const full = compilePattern(text, { source: record.source }).match(filterView(record) as Record<string, unknown>);
        expect(compileFilterCriteria(criteria(text), record.source)(record)).toBe(full);
      }),
      { numRuns: 1000 },
    );
  });
});
