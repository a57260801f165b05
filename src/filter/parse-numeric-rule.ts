/**
 * `{"numeric": ["=", 100]}`, `[">", 10]`, `[">", 10, "<=", 20]`: one comparison, or a
 * range whose lower bound (`>` / `>=`) comes first and upper bound (`<` / `<=`) second.
 * Numeric matching works on JSON numbers only, and pattern values are limited to
 * -5.0e9 to +5.0e9 inclusive.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#filtering-numeric-matching
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
 */
import type { JsonMember, JsonNode } from './json-scanner.js';
import type { ParseContext } from './parse-leaf-rules.js';
import type { LeafRule, NumericBound } from './pattern-types.js';

/** The documented bounds of EventBridge numeric matching. */
export const NUMERIC_LIMIT = 5.0e9;

const COMPARISONS = ['=', '<', '<=', '>', '>='] as const;
type Comparison = (typeof COMPARISONS)[number];

export function parseNumericRule(member: JsonMember, ctx: ParseContext): LeafRule | undefined {
  const list = member.value;
  if (list.type !== 'array') {
    ctx.problem(list.offset, '"numeric" must be an array such as [">", 0, "<=", 5]');
    return undefined;
  }
  const first = comparisonAt(list, 0, ctx);
  if (first === undefined) return undefined;
  const firstValue = numberAt(list, 1, first, ctx);
  if (firstValue === undefined) return undefined;
  const isLower = first === '>' || first === '>=';
  if (list.items.length === 2) {
    const bound: NumericBound = { value: firstValue, inclusive: first !== '>' && first !== '<' };
    if (first === '=') return { kind: 'numeric', lower: bound, upper: bound };
    return isLower ? { kind: 'numeric', lower: bound } : { kind: 'numeric', upper: bound };
  }
  const third = list.items[2];
  if (!isLower || list.items.length !== 4 || third === undefined) {
    const at = list.items[2]?.offset ?? list.offset;
    ctx.problem(at, `too many elements in numeric expression; a range is [">" or ">=", low, "<" or "<=", high]`);
    return undefined;
  }
  const second = comparisonAt(list, 2, ctx);
  if (second === undefined) return undefined;
  if (second !== '<' && second !== '<=') {
    ctx.problem(third.offset, `bad numeric range operator "${second}"; the upper bound takes "<" or "<="`);
    return undefined;
  }
  const secondValue = numberAt(list, 3, second, ctx);
  if (secondValue === undefined) return undefined;
  if (firstValue >= secondValue) {
    ctx.problem(list.offset, `numeric range lower bound ${firstValue} must be less than upper bound ${secondValue}`);
    return undefined;
  }
  return {
    kind: 'numeric',
    lower: { value: firstValue, inclusive: first === '>=' },
    upper: { value: secondValue, inclusive: second === '<=' },
  };
}

function comparisonAt(list: JsonNode & { type: 'array' }, index: number, ctx: ParseContext): Comparison | undefined {
  const node = list.items[index];
  if (node === undefined || node.type !== 'string') {
    ctx.problem(node?.offset ?? list.offset, `"numeric" expects a comparison (${COMPARISONS.join(' ')}) at position ${index}`);
    return undefined;
  }
  const op = COMPARISONS.find((c) => c === node.value);
  if (op === undefined) ctx.problem(node.offset, `unknown numeric comparison "${node.value}"; expected one of ${COMPARISONS.join(' ')}`);
  return op;
}

function numberAt(list: JsonNode & { type: 'array' }, index: number, op: Comparison, ctx: ParseContext): number | undefined {
  const node = list.items[index];
  if (node === undefined || node.type !== 'number') {
    ctx.problem(node?.offset ?? list.offset, `the value of "${op}" must be a number`);
    return undefined;
  }
  if (!(Math.abs(node.value) <= NUMERIC_LIMIT)) {
    ctx.problem(node.offset, `numeric value ${node.raw} is outside the supported range -5.0e9 to 5.0e9`);
    return undefined;
  }
  return node.value;
}
