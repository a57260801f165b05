/**
 * Loads the YAML configuration: every problem of the file is reported at once,
 * each at `FILE:LINE:COL key.path`, and the result is the frozen `Config`.
 *
 * Where issues point: at the KEY of the offending entry (`batchSize:` for a bad
 * batch size, `source:` for a missing source key, since the missing key has no
 * place of its own), at the value for items of a list (the mapping's first key),
 * and at the exact character inside a string for `${VAR}` problems and filter
 * pattern problems (when the string is written so that its characters can be
 * mapped back: plain, quoted without escapes, or a `|` block; else at the
 * start of the string).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import type { ConfigIssue } from '../errors.js';
import { ConfigError } from '../errors.js';
import { checkFunction } from './check-function.js';
import { checkMapping, type Report } from './check-mapping.js';
import { ROOT_PATH, type ConfigPath } from './config-path.js';
import { didYouMean } from './did-you-mean.js';
import { deepFreeze } from './freeze.js';
import { resolveConfig } from './resolve.js';
import { configSchema, functionSchema, mappingSchema } from './schema.js';
import type { Config } from './types.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';
import { safeParseConfig, toConfigIssues } from './zod-issues.js';

export interface LoadConfigOptions {
  /**
   * Variables for `${VAR}` interpolation and the region fallback
   * (`AWS_REGION`, `AWS_DEFAULT_REGION`); default `process.env`.
   */
  readonly env?: NodeJS.ProcessEnv;
  /** Import each handler module in a worker thread to prove its export is a function; default true. */
  readonly checkHandlers?: boolean;
}

export interface ConfigValidation {
  /** The loaded config, when there are no issues. */
  readonly config?: Config;
  /** Every problem, sorted by position. */
  readonly issues: readonly ConfigIssue[];
}

/**
 * Reads, validates and resolves a config file, collecting every problem.
 * Never throws for problems of the file (they are `issues`).
 */
export async function validateConfigFile(file: string, options: LoadConfigOptions = {}): Promise<ConfigValidation> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { issues: [{ file: absolute, line: 1, column: 1, path: ROOT_PATH, message: `cannot read the config file (${code})` }] };
  }
  const env = options.env ?? process.env;
  const source = parseYamlSource(absolute, text, env);
  const issues: ConfigIssue[] = [...source.issues];
  if (source.fatal) return { issues: sortIssues(issues) };
  if (source.value === null) {
    return { issues: [source.issueAt([], 'the config file is empty (it needs at least functions and mappings)')] };
  }

  const parsed = safeParseConfig(configSchema, source.value);
  if (!parsed.success) issues.push(...toConfigIssues(parsed.error.issues, source, source.value));
  const report: Report = (at, message, stringOffset) => issues.push(source.issueAt(at, message, stringOffset));
  await checkParts(source, absolute, env, options.checkHandlers ?? true, report);

  if (issues.length > 0 || !parsed.success) return { issues: sortIssues(issues) };
  const config = resolveConfig(parsed.data, {
    file: absolute,
    env,
    mappingLocation: (index) => ({ file: absolute, ...source.valuePosition(['mappings', index]) }),
  });
  return { config: deepFreeze(config), issues: [] };
}

/**
 * Loads a config file.
 * @throws ConfigError listing every problem, each formatted by `formatConfigIssue`.
 */
export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<Config> {
  const { config, issues } = await validateConfigFile(file, options);
  if (config === undefined || issues.length > 0) throw new ConfigError(issues);
  return config;
}

/** Semantic checks of each function and mapping that passes the schema on its own. */
async function checkParts(
  source: YamlSource,
  file: string,
  env: NodeJS.ProcessEnv,
  checkHandlers: boolean,
  report: Report,
): Promise<void> {
  if (!isRecord(source.value)) return;
  const data = source.value;
  const baseDir = path.dirname(file);
  const functions = isRecord(data['functions']) ? data['functions'] : {};
  const functionNames = Object.keys(functions);
  const limits = safeParseConfig(configSchema.shape.limits, data['limits']);
  const maxFilters = limits.success ? limits.data.maxFiltersPerMapping : 10;

  const functionChecks = functionNames.map(async (name) => {
    const at = ['functions', name] as const;
    const fn = parseLeniently(functionSchema, functions[name], ['handler', 'invoker']);
    if (fn.data !== undefined) {
      await checkFunction(name, fn.data, at, { baseDir, checkHandlers, env, report: skipping(fn.dropped, at, report) });
    }
  });

  const mappings = Array.isArray(data['mappings']) ? (data['mappings'] as unknown[]) : [];
  const firstByName = new Map<string, number>();
  mappings.forEach((item, index) => {
    const at = ['mappings', index] as const;
    const raw = isRecord(item) ? item : {};
    if (typeof raw['name'] === 'string') {
      const first = firstByName.get(raw['name']);
      if (first === undefined) firstByName.set(raw['name'], index);
      else report([...at, 'name'], `duplicate mapping name "${raw['name']}" (also mappings[${first}])`);
    }
    const target = raw['function'];
    if (typeof target === 'string' && target !== '' && !Object.hasOwn(functions, target)) {
      const hint = didYouMean(target, functionNames);
      report([...at, 'function'], `function "${target}" is not defined in functions${hint === undefined ? '' : ` (${hint})`}`);
    }
    const mapping = parseLeniently(mappingSchema, item, ['name', 'function'], ['source']);
    if (mapping.data !== undefined) {
      checkMapping(mapping.data, at, { baseDir, maxFilters, report: skipping(mapping.dropped, at, report) });
    }
  });
  await Promise.all(functionChecks);
}

/**
 * Parses an object; when it fails only because of optional keys (wrong values,
 * unknown keys), parses it again without them, so its other rules still get
 * checked. Keys listed in `nested` (a mapping's `source`) are objects trimmed the same
 * way: a bad optional key inside them is left out, not the whole object. `dropped` lists
 * the keys left out (already reported by the schema), as paths such as `source.waitTimeSeconds`.
 */
function parseLeniently<T extends z.ZodType>(
  schema: T,
  value: unknown,
  required: readonly string[],
  nested: readonly string[] = [],
): { readonly data?: z.output<T>; readonly dropped: ReadonlySet<string> } {
  const first = safeParseConfig(schema, value);
  if (first.success) return { data: first.data, dropped: new Set() };
  if (!isRecord(value)) return { dropped: new Set() };
  const dropped = new Set<string>();
  const inside = new Map<string, Set<string>>();
  for (const issue of first.error.issues) {
    const [key, sub] = issue.path;
    if (typeof key === 'string' && nested.includes(key) && isRecord(value[key])) {
      const keys = issue.code === 'unrecognized_keys' && issue.path.length === 1 ? issue.keys : [sub];
      for (const inner of keys) {
        if (typeof inner !== 'string') return { dropped: new Set() };
        inside.set(key, (inside.get(key) ?? new Set()).add(inner));
        dropped.add(`${key}.${inner}`);
      }
      continue;
    }
    const keys = issue.code === 'unrecognized_keys' && issue.path.length === 0 ? issue.keys : [key];
    for (const k of keys) {
      if (typeof k !== 'string' || required.includes(k)) return { dropped: new Set() };
      dropped.add(k);
    }
  }
  const without = (object: Record<string, unknown>, keys: ReadonlySet<string>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(object).filter(([k]) => !keys.has(k)));
  const trimmed = without(value, dropped);
  for (const [key, keys] of inside) trimmed[key] = without(value[key] as Record<string, unknown>, keys);
  const second = safeParseConfig(schema, trimmed);
  return second.success ? { data: second.data, dropped } : { dropped: new Set() };
}

/** A report that ignores what is said about keys the schema already rejected. */
function skipping(dropped: ReadonlySet<string>, at: ConfigPath, report: Report): Report {
  return (where, message, offset) => {
    const [key, sub] = where.slice(at.length);
    if (typeof key === 'string' && (dropped.has(key) || (typeof sub === 'string' && dropped.has(`${key}.${sub}`)))) return;
    report(where, message, offset);
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort(
    (a, b) =>
      a.line - b.line ||
      a.column - b.column ||
      a.path.localeCompare(b.path) ||
      a.message.localeCompare(b.message),
  );
}
