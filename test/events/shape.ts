import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { z } from 'zod';

/** The JSON type of a value: object, array, string, number, boolean or null. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Every key path of a JSON value with its JSON type, in document order
 * (`Records[].kinesis.data: string`); array elements share the path `[]`.
 */
export function shapeOf(value: unknown, path = ''): string[] {
  const lines = [`${path === '' ? '$' : path}: ${jsonType(value)}`];
  if (Array.isArray(value)) {
    for (const item of value) lines.push(...shapeOf(item, `${path}[]`));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) lines.push(...shapeOf(inner, path === '' ? key : `${path}.${key}`));
  }
  return lines;
}

/** The set of key paths with types (order and repetition ignored), sorted. */
export function shapeSet(value: unknown): string[] {
  return [...new Set(shapeOf(value))].sort();
}

/**
 * Asserts that `actual` is plain JSON (survives a JSON round trip unchanged)
 * and equals `expected` key by key, type by type, in the same key order.
 */
export function expectExactJson(actual: unknown, expected: unknown): void {
  expect(JSON.parse(JSON.stringify(actual))).toStrictEqual(actual);
  expect(shapeOf(actual)).toStrictEqual(shapeOf(expected));
  expect(actual).toStrictEqual(expected);
}

/** Reads a JSON fixture of this folder. */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as unknown;
}

/**
 * Parses `event` with a Powertools schema and asserts it succeeds and that the
 * schema dropped no key (zod strips keys it does not know), ignoring the
 * subtrees under `transformed` (which the schema rewrites, e.g. decoded data).
 */
export function expectPowertoolsAccepts(schema: z.ZodType, event: unknown, transformed: readonly string[] = []): void {
  const result = schema.safeParse(event);
  if (!result.success) throw new Error(`Powertools schema rejected the event: ${JSON.stringify(result.error.issues, null, 2)}`);
  const kept = new Set(shapeOf(result.data).map(pathOnly));
  const outside = (path: string): boolean => !transformed.some((prefix) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`));
  const dropped = shapeOf(event).map(pathOnly).filter((path) => outside(path) && !kept.has(path));
  expect(dropped, 'keys the Powertools schema does not know').toStrictEqual([]);
}

function pathOnly(line: string): string {
  return line.slice(0, line.lastIndexOf(': '));
}
