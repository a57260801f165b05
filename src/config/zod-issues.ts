/**
 * Turns zod's issues into sluice's: one located issue per problem, messages in
 * the user's words (`batchSize must be between 1 and 10000 (AWS limit), got 20000`,
 * `unknown key "batchsize" (did you mean "batchSize"?)`).
 */
import { z } from 'zod';
import type { ConfigIssue } from '../errors.js';
import { pathSubject, valueAt, type ConfigPath, type PathSegment } from './config-path.js';
import { didYouMean } from './did-you-mean.js';
import type { YamlSource } from './yaml-source.js';

/** Describes a value for a message: strings quoted, collections named. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/**
 * The error map every config parse uses. Messages are predicates ("must be ...");
 * `toConfigIssues` puts the key in front. For unknown keys it returns one
 * did-you-mean hint per line, in the order of the issue's `keys`.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      const quote =
        issue.expected === 'string' && (typeof issue.input === 'number' || typeof issue.input === 'boolean')
          ? ` (quote it in YAML: "${String(issue.input)}")`
          : '';
      return `must be ${expected}, got ${describeValue(issue.input)}${quote}`;
    }
    case 'unrecognized_keys': {
      const known = issue.inst instanceof z.ZodObject ? Object.keys(issue.inst.shape) : [];
      return issue.keys.map((key) => didYouMean(key, known) ?? '').join('\n');
    }
    case 'invalid_value': {
      const values = issue.values.map((value) => JSON.stringify(value));
      const hint = typeof issue.input === 'string' ? didYouMean(issue.input, issue.values.map(String)) : undefined;
      return `must be ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}, got ${describeValue(issue.input)}${hint === undefined ? '' : ` (${hint})`}`;
    }
    case 'invalid_union': {
      if (issue.note === 'No matching discriminator' && issue.discriminator !== undefined) {
        const input = issue.input as Record<string, unknown> | undefined;
        const tag = input?.[issue.discriminator];
        const rawOptions: unknown = (issue as { readonly options?: unknown }).options;
        const options = Array.isArray(rawOptions) ? rawOptions.map(String) : [];
        const list = options.map((option) => JSON.stringify(option)).join(', ');
        if (tag === undefined) return `is required (one of ${list})`;
        const hint = typeof tag === 'string' ? didYouMean(tag, options) : undefined;
        return `must be one of ${list}, got ${describeValue(tag)}${hint === undefined ? '' : ` (${hint})`}`;
      }
      return `has an invalid value: ${describeValue(issue.input)}`;
    }
    case 'too_small':
      return `must be at least ${String(issue.minimum)}, got ${describeValue(issue.input)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}, got ${describeValue(issue.input)}`;
    case 'invalid_format':
      return `must be a valid ${issue.format}, got ${describeValue(issue.input)}`;
    default:
      return undefined;
  }
};

/** Parses with the config error map. */
export function safeParseConfig<T extends z.ZodType>(schema: T, value: unknown): z.ZodSafeParseResult<z.output<T>> {
  return schema.safeParse(value, { error: configErrorMap });
}

/** Locates and words zod's issues; one issue per unknown key. */
export function toConfigIssues(issues: readonly z.core.$ZodIssue[], source: YamlSource, data: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const hints = issue.message.split('\n');
      const owner = ownerLabel(path, data);
      issue.keys.forEach((key, index) => {
        const hint = hints[index] ?? '';
        out.push(source.issueAt([...path, key], `unknown key "${key}"${owner}${hint === '' ? '' : ` (${hint})`}`));
      });
      continue;
    }
    const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    out.push(source.issueAt(path, `${pathSubject(path)} ${unquotedScalarHint(issue, path, source, data) ?? message}`));
  }
  return out;
}

/**
 * A number or boolean where a string is expected, named as written in the file
 * (YAML reads `000000000000` as the number 0): `must be a string, got number
 * 000000000000 (quote it in YAML: "000000000000")`.
 */
function unquotedScalarHint(issue: z.core.$ZodIssue, path: ConfigPath, source: YamlSource, data: unknown): string | undefined {
  if (issue.code !== 'invalid_type' || issue.expected !== 'string') return undefined;
  const value = valueAt(data, path);
  if (typeof value !== 'number' && typeof value !== 'boolean') return undefined;
  const written = source.scalarText(path) ?? String(value);
  return `must be a string, got ${typeof value} ${written} (quote it in YAML: "${written}")`;
}

/** ` for source type "sqs"` when the unknown key sits in a typed object. */
function ownerLabel(path: ConfigPath, data: unknown): string {
  const last = path[path.length - 1];
  const type = (valueAt(data, path) as { type?: unknown } | undefined)?.type;
  if ((last === 'source' || last === 'invoker') && typeof type === 'string') return ` for ${last} type "${type}"`;
  return '';
}
