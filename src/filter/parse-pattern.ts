/**
 * Checks one filter pattern string and turns it into an `ObjectPattern`, collecting
 * every problem with the character offset where it is.
 *
 * Structure rules (EventBridge's, as Lambda applies them): the pattern is a JSON
 * object; every field is either a nested object or a non-empty array of match
 * values (a bare scalar is an error); empty objects are errors; `$or` takes an array
 * of at least two non-empty objects whose field names are not operator names; when a
 * key appears twice at one level the last one is used; `$or` may expand to at most
 * 1,000 combinations; a pattern is at most 4,096 characters.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Filter.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-complex-example-or
 */
import type { SourceType } from '../config/types.js';
import { dataKeyOf } from './data-key.js';
import { scanJson, type JsonNode } from './json-scanner.js';
import { OPERATORS, parseLeafRules, type ParseContext, type PatternDialect } from './parse-leaf-rules.js';
import type { FieldRule, ObjectPattern, OrGroup, PatternProblem } from './pattern-types.js';

/** `Filter.Pattern` length limit of the Lambda API. */
export const MAX_PATTERN_LENGTH = 4096;
/** EventBridge rejects patterns whose `$or`s expand to more combinations. */
export const MAX_OR_COMBINATIONS = 1000;

/** Names that cannot be field names inside `$or` (EventBridge reserves them). */
const RESERVED_IN_OR: ReadonlySet<string> = new Set<string>([
  ...OPERATORS,
  'exactly',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

const SOURCE_LABEL: Readonly<Record<string, string>> = { kinesis: 'Kinesis', dynamodb: 'DynamoDB' };

export interface ParsePatternOptions {
  readonly source: SourceType;
  /** Default `lambda`. */
  readonly dialect?: PatternDialect;
}

export interface ParsedPattern {
  /** Present only when there are no problems. */
  readonly pattern?: ObjectPattern;
  readonly problems: readonly PatternProblem[];
}

interface Scope {
  readonly ctx: ParseContext;
  readonly source: SourceType;
  /** True at the top level of the pattern, including the branches of a top-level `$or`. */
  readonly root: boolean;
  readonly inOr: boolean;
}

/** Checks and parses one pattern. Never throws. */
export function parsePattern(text: string, options: ParsePatternOptions): ParsedPattern {
  const problems: PatternProblem[] = [];
  const ctx: ParseContext = {
    dialect: options.dialect ?? 'lambda',
    problem: (offset, message) => problems.push({ offset, message }),
  };
  if (text.length > MAX_PATTERN_LENGTH) {
    ctx.problem(MAX_PATTERN_LENGTH, `the pattern is ${text.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed`);
    // Not scanned further: the work (and the scanner's recursion) stays bounded.
    return { problems };
  }
  const scanned = scanJson(text);
  if (!scanned.ok) {
    ctx.problem(scanned.offset, `invalid JSON: ${scanned.message}`);
    return { problems };
  }
  const root = scanned.value;
  if (root.type !== 'object') {
    ctx.problem(root.offset, 'a filter pattern must be a JSON object');
    return { problems };
  }
  const pattern = parseObject(root, { ctx, source: options.source, root: true, inOr: false });
  if (pattern !== undefined) {
    const count = combinations(pattern);
    if (count > MAX_OR_COMBINATIONS) {
      ctx.problem(firstOrOffset(pattern) ?? root.offset, `the $or relationships expand to ${count} combinations; at most ${MAX_OR_COMBINATIONS} are allowed`);
    }
  }
  return pattern !== undefined && problems.length === 0 ? { pattern, problems } : { problems };
}

function parseObject(node: JsonNode & { type: 'object' }, scope: Scope): ObjectPattern | undefined {
  if (node.members.length === 0) {
    scope.ctx.problem(node.offset, 'empty objects are not allowed in a pattern');
    return undefined;
  }
  const fields = new Map<string, FieldRule>();
  const anyOf: OrGroup[] = [];
  let ok = true;
  for (const member of node.members) {
    const { key, keyOffset, value } = member;
    if (key === '$or') {
      const group = parseOr(value, keyOffset, scope);
      if (group === undefined) ok = false;
      else anyOf.push(group);
      continue;
    }
    if (scope.inOr && RESERVED_IN_OR.has(key)) {
      scope.ctx.problem(keyOffset, `"${key}" is a reserved operator name and cannot be a field name inside $or`);
      ok = false;
      continue;
    }
    const field = parseField(key, keyOffset, value, scope);
    if (field === undefined) ok = false;
    else {
      // EventBridge uses the last occurrence of a key at one level.
      fields.delete(key);
      fields.set(key, field);
    }
  }
  return ok ? { fields: [...fields.values()], anyOf } : undefined;
}

function parseField(key: string, keyOffset: number, value: JsonNode, scope: Scope): FieldRule | undefined {
  const { ctx } = scope;
  if (value.type === 'object') {
    const pattern = parseObject(value, { ...scope, root: false });
    return pattern === undefined ? undefined : { kind: 'object', key, keyOffset, pattern };
  }
  if (value.type !== 'array') {
    ctx.problem(value.offset, `"${key}" must be an object or an array; match values go in a list, e.g. "${key}": [${JSON.stringify(jsonScalar(value))}]`);
    return undefined;
  }
  const label = SOURCE_LABEL[scope.source];
  if (scope.root && label !== undefined && key === dataKeyOf(scope.source)) {
    // Lambda rejects a non-JSON filter on stream data when the mapping is created.
    // @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-streams
    ctx.problem(keyOffset, `for ${label} the pattern for "${key}" must be an object of data properties (e.g. {"${key}": {"field": ["value"]}}); Lambda rejects a plain value list here`);
    return undefined;
  }
  const rules = parseLeafRules(value, key, ctx);
  return rules === undefined ? undefined : { kind: 'leaf', key, keyOffset, rules };
}

function parseOr(value: JsonNode, keyOffset: number, scope: Scope): OrGroup | undefined {
  const { ctx } = scope;
  if (value.type !== 'array') {
    ctx.problem(value.offset, '"$or" must be an array of at least two pattern objects');
    return undefined;
  }
  if (value.items.length < 2) {
    ctx.problem(value.offset, '"$or" needs at least two pattern objects');
    return undefined;
  }
  const branches: ObjectPattern[] = [];
  let ok = true;
  for (const item of value.items) {
    if (item.type !== 'object') {
      ctx.problem(item.offset, 'only JSON objects are allowed in a "$or" array');
      ok = false;
      continue;
    }
    const branch = parseObject(item, { ...scope, inOr: true });
    if (branch === undefined) ok = false;
    else branches.push(branch);
  }
  return ok ? { keyOffset, branches } : undefined;
}

function jsonScalar(node: JsonNode): unknown {
  return node.type === 'null' ? null : 'value' in node ? node.value : null;
}

/** How many plain patterns the `$or`s expand to. */
function combinations(pattern: ObjectPattern): number {
  let count = 1;
  for (const field of pattern.fields) if (field.kind === 'object') count *= combinations(field.pattern);
  for (const group of pattern.anyOf) {
    let sum = 0;
    for (const branch of group.branches) sum += combinations(branch);
    count *= sum;
  }
  return count;
}

function firstOrOffset(pattern: ObjectPattern): number | undefined {
  const [group] = pattern.anyOf;
  if (group !== undefined) return group.keyOffset;
  for (const field of pattern.fields) {
    if (field.kind !== 'object') continue;
    const found = firstOrOffset(field.pattern);
    if (found !== undefined) return found;
  }
  return undefined;
}
