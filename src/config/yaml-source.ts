/**
 * Parses the YAML text into plain data while remembering where every key and
 * value came from, so every later problem can point at `FILE:LINE:COL`.
 * Duplicate keys, syntax errors and `${VAR}` problems are reported here.
 */
import {
  LineCounter,
  Scalar,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import type { ConfigIssue } from '../errors.js';
import { formatPath, ROOT_PATH, type ConfigPath } from './config-path.js';
import { interpolate, type InterpolationEnv } from './interpolate.js';

export interface Position {
  readonly line: number;
  readonly column: number;
}

interface ScalarSpan {
  readonly type: Scalar.Type | undefined;
  readonly start: number;
  readonly end: number;
  /** The string as YAML gave it, before interpolation. */
  readonly raw: string;
  /** Interpolation changed it, so offsets into the value no longer match the text. */
  readonly changed: boolean;
}

interface Span {
  /** Offset of the entry's key, for entries of a mapping. */
  readonly key?: number;
  /** Offset of the value. */
  readonly start: number;
  readonly end: number;
  readonly scalar?: ScalarSpan;
  /** Source text of a scalar value. */
  readonly text?: string;
}

/** The parsed file: plain (interpolated) data plus a way back to positions. */
export interface YamlSource {
  readonly file: string;
  /** Plain data: objects, arrays, strings, numbers, booleans, null. */
  readonly value: unknown;
  /** Syntax errors, duplicate keys and interpolation problems. */
  readonly issues: readonly ConfigIssue[];
  /** True after a syntax error: `value` is incomplete and should not be validated. */
  readonly fatal: boolean;
  /**
   * An issue at `path`: at its key for entries of a mapping, at the value for
   * items of a sequence, at the nearest ancestor present when `path` is not in
   * the file. With `stringOffset`, at that character of a string value when the
   * text can be mapped back to it (else at the value).
   */
  issueAt(path: ConfigPath, message: string, stringOffset?: number): ConfigIssue;
  /** Where the value at `path` (or its nearest ancestor present) starts. */
  valuePosition(path: ConfigPath): Position;
  /** The text of the scalar at exactly `path` as written in the file, e.g. `000000000000`. */
  scalarText(path: ConfigPath): string | undefined;
}

const MERGE_KEY = '<<';

/** Parses `text` (the content of `file`), interpolating string values from `env`. */
export function parseYamlSource(file: string, text: string, env: InterpolationEnv): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, merge: true, prettyErrors: false });
  const spans = new Map<string, Span>();
  const issues: ConfigIssue[] = [];

  const position = (offset: number): Position => {
    const { line, col } = lines.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line, column: col };
  };
  const issueAtOffset = (offset: number, path: ConfigPath, message: string): ConfigIssue => ({
    file,
    ...position(offset),
    path: formatPath(path),
    message,
  });
  const nearestSpan = (path: ConfigPath): { span?: Span; exact: boolean } => {
    for (let n = path.length; n >= 0; n -= 1) {
      const span = spans.get(formatPath(path.slice(0, n)));
      if (span !== undefined) return { span, exact: n === path.length };
    }
    return { exact: false };
  };

  const walker = createWalker(doc, text, env, spans, issues, issueAtOffset);
  const value = walker(doc.contents, [], undefined);

  for (const error of doc.errors) {
    const offset = error.pos[0];
    const inside = [...spans.entries()]
      .filter(([, span]) => span.start <= offset && offset <= span.end)
      .map(([key]) => key)
      .sort((a, b) => b.length - a.length)[0];
    issues.push({ file, ...position(offset), path: inside ?? ROOT_PATH, message: yamlMessage(error.message) });
  }

  return {
    file,
    value,
    issues,
    fatal: doc.errors.length > 0,
    issueAt(path, message, stringOffset) {
      const { span, exact } = nearestSpan(path);
      if (span === undefined) return issueAtOffset(0, path, message);
      if (exact && stringOffset !== undefined && span.scalar !== undefined) {
        const offset = span.scalar.changed ? span.scalar.start : mapStringOffset(text, span.scalar, stringOffset);
        return issueAtOffset(offset, path, message);
      }
      return issueAtOffset(span.key ?? span.start, path, message);
    },
    valuePosition(path) {
      return position(nearestSpan(path).span?.start ?? 0);
    },
    scalarText(path) {
      const span = spans.get(formatPath(path));
      return span?.text;
    },
  };
}

type Walker = (node: unknown, path: ConfigPath, keyOffset: number | undefined, at?: number) => unknown;

function createWalker(
  doc: Document,
  text: string,
  env: InterpolationEnv,
  spans: Map<string, Span>,
  issues: ConfigIssue[],
  issueAtOffset: (offset: number, path: ConfigPath, message: string) => ConfigIssue,
): Walker {
  const aliasDepth = new Set<unknown>();

  const record = (path: ConfigPath, span: Span): void => {
    const key = formatPath(path);
    if (!spans.has(key)) spans.set(key, span);
  };

  const walk: Walker = (node, path, keyOffset, at) => {
    const range = (node as YamlNode | null)?.range ?? [keyOffset ?? 0, keyOffset ?? 0, keyOffset ?? 0];
    const base = { ...(keyOffset === undefined ? {} : { key: keyOffset }), start: at ?? range[0], end: range[2] };
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (target === undefined || aliasDepth.has(target)) {
        issues.push(issueAtOffset(range[0], path, `alias "*${node.source}" cannot be resolved`));
        return null;
      }
      aliasDepth.add(target);
      const value = walk(target, path, keyOffset, range[0]);
      aliasDepth.delete(target);
      return value;
    }
    if (isScalar(node)) return walkScalar(node, path, base);
    if (isSeq(node)) {
      record(path, base);
      return node.items.map((item, index) => walk(item, [...path, index], undefined));
    }
    if (isMap(node)) {
      record(path, base);
      const out: Record<string, unknown> = {};
      const firstSeen = new Map<string, number>();
      const merges: unknown[] = [];
      for (const pair of node.items) {
        const keyNode = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
        const keyStart = (pair.key as YamlNode | null)?.range?.[0] ?? range[0];
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol' && keyNode.value.description === MERGE_KEY) {
          merges.push(pair.value);
          continue;
        }
        if (!isScalar(keyNode)) {
          issues.push(issueAtOffset(keyStart, path, 'keys must be plain scalars, not collections'));
          continue;
        }
        const key = String(keyNode.value);
        const first = firstSeen.get(key);
        if (first !== undefined) {
          const where = issueAtOffset(first, path, '');
          issues.push(issueAtOffset(keyStart, [...path, key], `duplicate key "${key}" (first defined at line ${where.line})`));
          continue;
        }
        firstSeen.set(key, keyStart);
        setOwn(out, key, walk(pair.value, [...path, key], keyStart));
      }
      for (const merge of merges) mergeInto(out, merge, path, walk, doc, issues, issueAtOffset, range[0]);
      return out;
    }
    record(path, base);
    return null;
  };

  const walkScalar = (node: Scalar, path: ConfigPath, base: Span): unknown => {
    if (typeof node.value !== 'string') {
      const range = node.range;
      record(path, range === undefined || range === null ? base : { ...base, text: text.slice(range[0], range[1]) });
      return typeof node.value === 'symbol' ? String(node.value.description) : node.value;
    }
    const result = interpolate(node.value, env);
    const scalar: ScalarSpan = { type: node.type, start: node.range?.[0] ?? base.start, end: node.range?.[1] ?? base.end, raw: node.value, changed: result.changed };
    record(path, { ...base, scalar });
    for (const problem of result.problems) {
      issues.push(issueAtOffset(mapStringOffset(text, scalar, problem.offset), path, problem.message));
    }
    if (result.changed && node.type === Scalar.PLAIN && node.tag === undefined) return retype(result.value);
    return result.value;
  };

  return walk;
}

/** Applies `<<: *anchor` merge keys: keys already present win, as YAML's merge type says. */
function mergeInto(
  out: Record<string, unknown>,
  merge: unknown,
  path: ConfigPath,
  walk: Walker,
  doc: Document,
  issues: ConfigIssue[],
  issueAtOffset: (offset: number, path: ConfigPath, message: string) => ConfigIssue,
  fallbackOffset: number,
): void {
  const resolved = isAlias(merge) ? merge.resolve(doc) : merge;
  const sources = isSeq(resolved) ? resolved.items.map((item) => (isAlias(item) ? item.resolve(doc) : item)) : [resolved];
  for (const source of sources) {
    if (!isMap(source)) {
      const offset = (merge as YamlNode | null)?.range?.[0] ?? fallbackOffset;
      issues.push(issueAtOffset(offset, path, 'a merge key "<<" must refer to a mapping'));
      continue;
    }
    for (const pair of source.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (Object.hasOwn(out, key)) continue;
      setOwn(out, key, walk(pair.value, [...path, key], pair.key.range?.[0]));
    }
  }
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** An interpolated plain scalar is typed again, so `timeout: ${TIMEOUT:-30}` is a number. */
function retype(value: string): unknown {
  if (/^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/.test(value)) return Number(value);
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

/** Maps an offset into a string scalar's value back to an offset in the text, when it can. */
function mapStringOffset(text: string, scalar: ScalarSpan, offset: number): number {
  const candidate = candidateOffset(text, scalar, offset);
  if (candidate === undefined) return scalar.start;
  const matches =
    offset < scalar.raw.length ? text[candidate] === scalar.raw[offset] : text[candidate - 1] === scalar.raw[offset - 1];
  return matches ? candidate : scalar.start;
}

function candidateOffset(text: string, scalar: ScalarSpan, offset: number): number | undefined {
  const { type, start, end, raw } = scalar;
  if (type === Scalar.PLAIN) return text.slice(start, end) === raw ? start + offset : undefined;
  if (type === Scalar.QUOTE_SINGLE || type === Scalar.QUOTE_DOUBLE) {
    return text.slice(start + 1, end - 1) === raw ? start + 1 + offset : undefined;
  }
  if (type === Scalar.BLOCK_LITERAL) {
    const headerEnd = text.indexOf('\n', start);
    if (headerEnd === -1 || /\d/.test(text.slice(start, headerEnd))) return undefined;
    const line = raw.slice(0, offset).split('\n').length - 1;
    const column = offset - (raw.lastIndexOf('\n', offset - 1) + 1);
    const sourceLines = text.slice(headerEnd + 1).split('\n');
    const firstContent = sourceLines.find((content) => content.trim() !== '');
    if (firstContent === undefined || line >= sourceLines.length) return undefined;
    const indent = firstContent.length - firstContent.trimStart().length;
    const lineStart = sourceLines.slice(0, line).reduce((sum, content) => sum + content.length + 1, headerEnd + 1);
    return lineStart + indent + column;
  }
  return undefined;
}

/** yaml's messages, with the first letter lowered to read as the rest of ours. */
function yamlMessage(message: string): string {
  const text = message.split('\n')[0] ?? message;
  return `YAML syntax error: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}
