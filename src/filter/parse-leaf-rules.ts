/**
 * Checks a leaf's value list (`"state": [ "a", { "prefix": "b" } ]`) and turns it into
 * `LeafRule`s, reporting every problem with the offset of the offending key or value.
 * The rules and messages follow EventBridge's pattern compiler (aws/event-ruler).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
 */
import { closest, distance } from 'fastest-levenshtein';
import { parseCidr } from './ip-address.js';
import type { JsonMember, JsonNode } from './json-scanner.js';
import { parseNumericRule } from './parse-numeric-rule.js';
import type { AnythingButForm, LeafRule } from './pattern-types.js';
import { compileWildcard } from './wildcard.js';

/** `lambda` rejects the EventBridge operators Lambda's filter rule syntax lacks; `eventbridge` accepts them all. */
export type PatternDialect = 'lambda' | 'eventbridge';

export interface ParseContext {
  readonly dialect: PatternDialect;
  problem(offset: number, message: string): void;
}

/** Every operator key EventBridge knows inside a match object. */
export const OPERATORS = [
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
] as const;

const LAMBDA_SYNTAX =
  'Lambda filter rules support exact values, null, "", prefix, suffix, equals-ignore-case, anything-but (a value or a list), numeric, exists and $or';

/** Reports `what` as unsupported when checking for Lambda. */
export function rejectInLambda(ctx: ParseContext, offset: number, what: string): void {
  if (ctx.dialect === 'lambda') {
    ctx.problem(offset, `${what} is EventBridge syntax that Lambda event filtering does not accept. ${LAMBDA_SYNTAX}`);
  }
}

/** Parses a leaf's value list; returns undefined when it has problems (already reported). */
export function parseLeafRules(list: JsonNode & { type: 'array' }, key: string, ctx: ParseContext): LeafRule[] | undefined {
  if (list.items.length === 0) {
    ctx.problem(list.offset, `"${key}": empty arrays are not allowed; list at least one value to match`);
    return undefined;
  }
  const rules: LeafRule[] = [];
  let ok = true;
  for (const item of list.items) {
    const rule = parseLeafRule(item, key, ctx);
    if (rule === undefined) ok = false;
    else rules.push(rule);
  }
  return ok ? rules : undefined;
}

function parseLeafRule(item: JsonNode, key: string, ctx: ParseContext): LeafRule | undefined {
  switch (item.type) {
    case 'string':
    case 'number':
    case 'boolean':
      return { kind: 'exact', value: item.value };
    case 'null':
      return { kind: 'exact', value: null };
    case 'array':
      ctx.problem(item.offset, `"${key}": a match value must be a string, number, true, false, null or an operator object, not an array`);
      return undefined;
    case 'object':
      return parseOperator(item, ctx);
  }
}

function parseOperator(node: JsonNode & { type: 'object' }, ctx: ParseContext): LeafRule | undefined {
  const [member, extra] = node.members;
  if (member === undefined) {
    ctx.problem(node.offset, `empty operator object; expected one of ${OPERATORS.join(', ')}`);
    return undefined;
  }
  if (extra !== undefined) {
    ctx.problem(extra.keyOffset, `only one operator is allowed per match object; found "${member.key}" and "${extra.key}"`);
    return undefined;
  }
  const { value } = member;
  switch (member.key) {
    case 'prefix':
    case 'suffix':
      return parseAffix(member, ctx);
    case 'equals-ignore-case':
      return stringRule(member, 'equals-ignore-case', ctx);
    case 'wildcard': {
      rejectInLambda(ctx, member.keyOffset, 'The "wildcard" operator');
      if (value.type !== 'string') return mustBeString(member, ctx);
      return checkWildcard(value.value, value.offset, ctx) ? { kind: 'string', operator: 'wildcard', value: value.value } : undefined;
    }
    case 'anything-but':
      return parseAnythingBut(member, ctx);
    case 'numeric':
      return parseNumericRule(member, ctx);
    case 'exists':
      if (value.type !== 'boolean') {
        ctx.problem(value.offset, '"exists" must be true or false');
        return undefined;
      }
      return { kind: 'exists', exists: value.value };
    case 'cidr': {
      rejectInLambda(ctx, member.keyOffset, 'The "cidr" operator');
      if (value.type !== 'string') return mustBeString(member, ctx);
      const range = parseCidr(value.value);
      if (typeof range === 'string') {
        ctx.problem(value.offset, range);
        return undefined;
      }
      return { kind: 'cidr', range, text: value.value };
    }
    default:
      ctx.problem(member.keyOffset, unknownOperator(member.key));
      return undefined;
  }
}

function unknownOperator(key: string): string {
  const suggestion = closest(key, [...OPERATORS]);
  const hint = distance(key, suggestion) <= 3 ? `; did you mean "${suggestion}"?` : `; expected one of ${OPERATORS.join(', ')}`;
  return `unknown operator "${key}"${hint}`;
}

function parseAffix(member: JsonMember, ctx: ParseContext): LeafRule | undefined {
  const operator = member.key === 'prefix' ? 'prefix' : 'suffix';
  const { value } = member;
  if (value.type === 'object') {
    const [inner, extra] = value.members;
    if (inner === undefined || extra !== undefined || inner.key !== 'equals-ignore-case') {
      const at = extra?.keyOffset ?? inner?.keyOffset ?? value.offset;
      ctx.problem(at, `"${operator}" takes a string or {"equals-ignore-case": "<string>"}`);
      return undefined;
    }
    rejectInLambda(ctx, member.keyOffset, `"${operator}" with "equals-ignore-case"`);
    return stringRule(inner, operator === 'prefix' ? 'prefix-ignore-case' : 'suffix-ignore-case', ctx);
  }
  return stringRule(member, operator, ctx);
}

function stringRule(member: JsonMember, operator: 'prefix' | 'suffix' | 'equals-ignore-case' | 'prefix-ignore-case' | 'suffix-ignore-case', ctx: ParseContext): LeafRule | undefined {
  if (member.value.type !== 'string') return mustBeString(member, ctx);
  return { kind: 'string', operator, value: member.value.value };
}

function mustBeString(member: JsonMember, ctx: ParseContext): undefined {
  ctx.problem(member.value.offset, `"${member.key}" match pattern must be a string`);
  return undefined;
}

function checkWildcard(value: string, offset: number, ctx: ParseContext): boolean {
  const result = compileWildcard(value);
  if (!result.ok) ctx.problem(offset, result.message);
  return result.ok;
}

const ANYTHING_BUT_FORMS: Readonly<Record<string, AnythingButForm>> = {
  prefix: 'prefix',
  suffix: 'suffix',
  'equals-ignore-case': 'equals-ignore-case',
  wildcard: 'wildcard',
};

function parseAnythingBut(member: JsonMember, ctx: ParseContext): LeafRule | undefined {
  const { value } = member;
  switch (value.type) {
    case 'string':
    case 'number':
      return { kind: 'anything-but', form: 'values', values: [value.value] };
    case 'array':
      return anythingButList(value, ctx);
    case 'object':
      return anythingButObject(member, value, ctx);
    default:
      ctx.problem(value.offset, '"anything-but" takes a string, a number, a list of strings or of numbers, or an object ({"prefix": ...}, {"suffix": ...}, {"equals-ignore-case": ...}, {"wildcard": ...})');
      return undefined;
  }
}

function anythingButList(list: JsonNode & { type: 'array' }, ctx: ParseContext): LeafRule | undefined {
  if (list.items.length === 0) {
    ctx.problem(list.offset, '"anything-but" list must not be empty');
    return undefined;
  }
  const values: (string | number)[] = [];
  for (const item of list.items) {
    if (item.type !== 'string' && item.type !== 'number') {
      ctx.problem(item.offset, '"anything-but" list values must be strings or numbers (null, booleans, arrays and objects are not supported)');
      return undefined;
    }
    values.push(item.value);
  }
  if (values.some((v) => typeof v === 'string') && values.some((v) => typeof v === 'number')) {
    ctx.problem(list.offset, '"anything-but" list must contain only strings or only numbers, not both');
    return undefined;
  }
  return { kind: 'anything-but', form: 'values', values };
}

function anythingButObject(member: JsonMember, node: JsonNode & { type: 'object' }, ctx: ParseContext): LeafRule | undefined {
  const [inner, extra] = node.members;
  const form = inner === undefined ? undefined : ANYTHING_BUT_FORMS[inner.key];
  if (inner === undefined || extra !== undefined || form === undefined) {
    const at = extra?.keyOffset ?? inner?.keyOffset ?? node.offset;
    const found = inner === undefined ? 'an empty object' : extra !== undefined ? 'more than one key' : `"${inner.key}"`;
    ctx.problem(at, `"anything-but" object takes exactly one of prefix, suffix, equals-ignore-case, wildcard; found ${found}`);
    return undefined;
  }
  rejectInLambda(ctx, member.keyOffset, `"anything-but" with "${inner.key}"`);
  const items = inner.value.type === 'array' ? inner.value.items : [inner.value];
  if (items.length === 0) {
    ctx.problem(inner.value.offset, `"anything-but"/"${inner.key}" list must not be empty`);
    return undefined;
  }
  const values: string[] = [];
  for (const item of items) {
    if (item.type !== 'string') {
      ctx.problem(item.offset, `"anything-but"/"${inner.key}" values must be strings`);
      return undefined;
    }
    if ((form === 'prefix' || form === 'suffix') && item.value === '') {
      ctx.problem(item.offset, `"anything-but"/"${inner.key}" must not be empty`);
      return undefined;
    }
    if (form === 'wildcard' && !checkWildcard(item.value, item.offset, ctx)) return undefined;
    values.push(item.value);
  }
  return { kind: 'anything-but', form, values };
}
