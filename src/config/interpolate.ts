/**
 * `${VAR}` interpolation of configuration strings, as docker compose and most
 * twelve-factor tools have it. The environment is always passed in.
 */

/** A problem found while interpolating, at a character offset into the string. */
export interface InterpolationProblem {
  /** Offset of the `${` that starts the faulty reference. */
  readonly offset: number;
  readonly message: string;
}

export interface InterpolationResult {
  /** The interpolated string (faulty references are left as written). */
  readonly value: string;
  /** True when at least one reference was replaced or an escape removed. */
  readonly changed: boolean;
  readonly problems: readonly InterpolationProblem[];
}

/** The variables interpolation reads. */
export type InterpolationEnv = Readonly<Record<string, string | undefined>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Replaces references in `text`:
 *
 * - `${VAR}`: the value of `VAR`; unset is a problem at the reference's offset.
 * - `${VAR:-default}`: `default` when `VAR` is unset or empty.
 * - `${VAR-default}`: `default` when `VAR` is unset.
 * - `$${`: a literal `${` (the escape); any other `$` is kept as written.
 *
 * Defaults are literal text ending at the first `}`: they cannot contain `}`
 * or another reference. Substituted values are not scanned again. Never throws.
 *
 * @example interpolate('${HOST:-localhost}:4566', {}) // { value: 'localhost:4566', ... }
 */
export function interpolate(text: string, env: InterpolationEnv): InterpolationResult {
  let value = '';
  let changed = false;
  const problems: InterpolationProblem[] = [];
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar === -1) {
      value += text.slice(i);
      break;
    }
    value += text.slice(i, dollar);
    if (text.startsWith('$${', dollar)) {
      value += '${';
      changed = true;
      i = dollar + 3;
      continue;
    }
    if (!text.startsWith('${', dollar)) {
      value += '$';
      i = dollar + 1;
      continue;
    }
    const close = text.indexOf('}', dollar + 2);
    if (close === -1) {
      problems.push({ offset: dollar, message: 'unterminated "${" (write "$${" for a literal "${")' });
      value += text.slice(dollar);
      break;
    }
    const reference = text.slice(dollar, close + 1);
    const resolved = resolveReference(text.slice(dollar + 2, close), env);
    if (typeof resolved === 'string') {
      value += resolved;
      changed = true;
    } else {
      problems.push({ offset: dollar, message: resolved.problem.replace('%s', () => reference) });
      value += reference;
    }
    i = close + 1;
  }
  return { value, changed, problems };
}

function resolveReference(inner: string, env: InterpolationEnv): string | { problem: string } {
  const name = NAME.exec(inner)?.[0];
  if (name === undefined) {
    return { problem: 'invalid reference "%s": a variable name is letters, digits and "_", not starting with a digit' };
  }
  const rest = inner.slice(name.length);
  const current = Object.hasOwn(env, name) ? env[name] : undefined;
  if (rest === '') {
    return current ?? {
      problem: `environment variable "${name}" is not set (write "\${${name}:-default}" to give a default)`,
    };
  }
  const operator = rest.startsWith(':-') ? ':-' : rest.startsWith('-') ? '-' : undefined;
  if (operator === undefined) {
    return { problem: 'invalid reference "%s": expected "${NAME}", "${NAME:-default}" or "${NAME-default}"' };
  }
  const fallback = rest.slice(operator.length);
  if (fallback.includes('${')) {
    return { problem: 'invalid reference "%s": a default cannot contain another reference' };
  }
  if (current === undefined || (operator === ':-' && current === '')) return fallback;
  return current;
}

/** Escapes `text` so that `interpolate` returns it unchanged. */
export function escapeInterpolation(text: string): string {
  return text.replaceAll('${', () => '$${');
}
