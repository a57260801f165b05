import { SluiceError } from '../errors.js';

/**
 * Small readers for validating pushed JSON (S3 and SNS bodies) without a schema
 * library: each names the path and the value it got, and throws a
 * `MalformedRecord` SluiceError.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

/** A reader bound to one kind of document, whose errors start with `what`. */
export interface Reader {
  object(value: unknown, path: string): JsonObject;
  string(object: JsonObject, key: string, path: string): string;
  optionalString(object: JsonObject, key: string, path: string): string | undefined;
  optionalNumber(object: JsonObject, key: string, path: string): number | undefined;
  optionalObject(object: JsonObject, key: string, path: string): JsonObject | undefined;
  fail(path: string, problem: string, value: unknown): never;
}

/** A reader whose messages read `<what>: <path> <problem>, got <value>`. */
export function createReader(what: string): Reader {
  const fail = (path: string, problem: string, value: unknown): never => {
    throw new SluiceError('MalformedRecord', `${what}: ${path} ${problem}, got ${show(value)}`);
  };
  const object = (value: unknown, path: string): JsonObject => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, 'must be an object', value);
    return value as JsonObject;
  };
  return {
    object,
    fail,
    string(target, key, path) {
      const value = target[key];
      if (typeof value !== 'string') return fail(join(path, key), 'must be a string', value);
      return value;
    },
    optionalString(target, key, path) {
      const value = target[key];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string') return fail(join(path, key), 'must be a string', value);
      return value;
    },
    optionalNumber(target, key, path) {
      const value = target[key];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(join(path, key), 'must be a number', value);
      return value;
    },
    optionalObject(target, key, path) {
      const value = target[key];
      if (value === undefined || value === null) return undefined;
      return object(value, join(path, key));
    },
  };
}

/**
 * Parses a body that may still be JSON text (an HTTP body read as a string or
 * Buffer); objects pass through.
 */
export function parseJsonBody(body: unknown, what: string): unknown {
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : undefined;
  if (text === undefined) return body;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SluiceError('MalformedRecord', `${what}: body is not JSON (${(err as Error).message})`, { cause: err });
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
