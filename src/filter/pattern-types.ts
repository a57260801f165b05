/**
 * The checked form of one filter pattern: what `parsePattern` produces and
 * `compilePatternMatcher` turns into closures. Offsets point into the pattern text.
 */
import type { IpRange } from './ip-address.js';

/** A scalar an exact-match rule compares with (`"Alice"`, `100`, `true`, `null`). */
export type ExactValue = string | number | boolean | null;

/** String operators; the `*-ignore-case` forms are `{"prefix": {"equals-ignore-case": "x"}}` etc. */
export type StringOperator =
  | 'prefix'
  | 'suffix'
  | 'equals-ignore-case'
  | 'prefix-ignore-case'
  | 'suffix-ignore-case'
  | 'wildcard';

/** What `anything-but` excludes: values, or strings by prefix / suffix / case-insensitive value / wildcard. */
export type AnythingButForm = 'values' | 'prefix' | 'suffix' | 'equals-ignore-case' | 'wildcard';

export interface NumericBound {
  readonly value: number;
  readonly inclusive: boolean;
}

/** One element of a leaf's value list. */
export type LeafRule =
  | { readonly kind: 'exact'; readonly value: ExactValue }
  | { readonly kind: 'string'; readonly operator: StringOperator; readonly value: string }
  | { readonly kind: 'anything-but'; readonly form: AnythingButForm; readonly values: readonly (string | number)[] }
  | { readonly kind: 'numeric'; readonly lower?: NumericBound; readonly upper?: NumericBound }
  | { readonly kind: 'exists'; readonly exists: boolean }
  | { readonly kind: 'cidr'; readonly range: IpRange; readonly text: string };

/** A field of an object pattern: a value list (leaf) or a nested object pattern. */
export type FieldRule =
  | { readonly kind: 'leaf'; readonly key: string; readonly keyOffset: number; readonly rules: readonly LeafRule[] }
  | { readonly kind: 'object'; readonly key: string; readonly keyOffset: number; readonly pattern: ObjectPattern };

/** An object level of a pattern: every field must match (AND), and one branch of every `$or` group. */
export interface ObjectPattern {
  readonly fields: readonly FieldRule[];
  readonly anyOf: readonly OrGroup[];
}

export interface OrGroup {
  /** Offset of the `"$or"` key. */
  readonly keyOffset: number;
  readonly branches: readonly ObjectPattern[];
}

/** A problem in one pattern. */
export interface PatternProblem {
  /** Character offset into the pattern text. */
  readonly offset: number;
  readonly message: string;
}
