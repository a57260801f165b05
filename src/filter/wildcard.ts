/**
 * EventBridge `wildcard` values: `*` matches any run of characters (including none);
 * `\*` is a literal asterisk and `\\` a literal backslash; a backslash before any
 * other character, and two consecutive wildcards, are errors.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-wildcard-matching
 */

export type WildcardResult =
  | { readonly ok: true; readonly regex: RegExp }
  | { readonly ok: false; readonly message: string; /** Index of the bad character in the value. */ readonly index: number };

const REGEX_SPECIAL = /[\\^$.|?*+()[\]{}/-]/g;

/** Validates a wildcard value and compiles it into an anchored RegExp. */
export function compileWildcard(value: string): WildcardResult {
  let source = '^';
  let literal = '';
  let previousWasWildcard = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '*') {
      if (previousWasWildcard) {
        return { ok: false, message: `consecutive wildcard characters are not allowed (in "${value}")`, index: i };
      }
      source += escapeRegex(literal) + '.*';
      literal = '';
      previousWasWildcard = true;
      continue;
    }
    previousWasWildcard = false;
    if (ch === '\\') {
      const next = value[i + 1];
      if (next !== '*' && next !== '\\') {
        return { ok: false, message: `a backslash may only escape '*' or '\\' (in "${value}")`, index: i };
      }
      literal += next;
      i++;
      continue;
    }
    literal += ch;
  }
  source += escapeRegex(literal) + '$';
  return { ok: true, regex: new RegExp(source, 's') };
}

function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIAL, '\\$&');
}
