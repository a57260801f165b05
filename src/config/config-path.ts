/** Key paths as sluice prints them: `mappings[1].source.queue`, `functions["my fn"].timeout`. */

export type PathSegment = string | number;
export type ConfigPath = readonly PathSegment[];

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** Formats a path; the root is `<root>`. Keys that are not identifiers are quoted. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? ROOT_PATH : out;
}

/** The path printed for problems of the whole file (syntax errors, an unreadable file). */
export const ROOT_PATH = '<root>';

/**
 * The subject a message is about: the last key with the indexes after it,
 * e.g. `batchSize`, `functionResponseTypes[0]`; `config` for the root.
 */
export function pathSubject(path: ConfigPath): string {
  let start = path.length;
  while (start > 0 && typeof path[start - 1] === 'number') start -= 1;
  if (start === 0) return path.length === 0 ? 'config' : formatPath(path);
  return formatPath(path.slice(start - 1)).replace(/^\[("(?:[^"\\]|\\.)*")\]/, '$1');
}

/** Reads the value at `path` in plain data, `undefined` when absent. */
export function valueAt(root: unknown, path: ConfigPath): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Object.hasOwn(current, segment) ? (current as Record<PathSegment, unknown>)[segment] : undefined;
  }
  return current;
}
