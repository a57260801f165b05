/**
 * One pattern string to one matcher of filter views: check, then compile to closures.
 */
import type { SourceType } from '../config/types.js';
import { SluiceError } from '../errors.js';
import { compilePatternMatcher, type ViewMatcher } from './compile-matcher.js';
import { dataKeyOf } from './data-key.js';
import type { PatternDialect } from './parse-leaf-rules.js';
import { parsePattern } from './parse-pattern.js';
import type { ObjectPattern } from './pattern-types.js';

export type { ViewMatcher } from './compile-matcher.js';
export type { PatternDialect } from './parse-leaf-rules.js';

export interface CompilePatternOptions {
  readonly source: SourceType;
  /** Default `lambda`; `eventbridge` also accepts the operators Lambda lacks. */
  readonly dialect?: PatternDialect;
}

/** A compiled pattern, the top-level keys it reads, and whether one is the source's data key (`body`, `data`, `dynamodb`). */
export interface CompiledPattern {
  readonly match: ViewMatcher;
  readonly rootKeys: readonly string[];
  readonly readsData: boolean;
}

/** Compiles one pattern. Throws a SluiceError `InvalidFilterPattern` when it has problems. */
export function compilePattern(text: string, options: CompilePatternOptions): CompiledPattern {
  const parsed = parsePattern(text, options);
  if (parsed.pattern === undefined) {
    const detail = parsed.problems.map((p) => `offset ${p.offset}: ${p.message}`).join('; ');
    throw new SluiceError('InvalidFilterPattern', `invalid filter pattern: ${detail}`);
  }
  const dataKey = dataKeyOf(options.source);
  const rootKeys = [...new Set(rootKeysOf(parsed.pattern))];
  return {
    match: compilePatternMatcher(parsed.pattern, dataKey),
    rootKeys,
    readsData: dataKey !== undefined && rootKeys.includes(dataKey),
  };
}

/** Keys read at the top level, including in the branches of top-level `$or`s. */
function rootKeysOf(pattern: ObjectPattern): string[] {
  return [...pattern.fields.map((field) => field.key), ...pattern.anyOf.flatMap((group) => group.branches.flatMap(rootKeysOf))];
}
