import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue as WireAttributeValue } from 'aws-lambda';
import { SluiceError } from '../errors.js';

/**
 * DynamoDB AttributeValues between the SDK's form (binary as `Uint8Array`) and
 * the wire JSON form Lambda delivers (`{"S":"x"}`, `{"N":"1"}`, binary as
 * base64, `SS` / `NS` / `BS` / `L` / `M` / `NULL` / `BOOL`).
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_AttributeValue.html
 */

export type { SdkAttributeValue, WireAttributeValue };

/** An item image in wire JSON form, as in `dynamodb.NewImage`. */
export type WireImage = Record<string, WireAttributeValue>;

/** The ten AttributeValue type descriptors. */
export const ATTRIBUTE_TYPES = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'] as const;

/**
 * One SDK AttributeValue in wire JSON form.
 *
 * @example
 * ```json
 * { "sdk": { "B": "<Uint8Array 00 01 2a 41>" }, "wire": { "B": "AAEqQQ==" } }
 * ```
 * @throws SluiceError `MalformedRecord` for a value of no known type.
 */
export function toWireAttributeValue(value: SdkAttributeValue): WireAttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toWireImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toWireAttributeValue) };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  throw new SluiceError('MalformedRecord', `DynamoDB attribute value of unknown type: ${describe(value)}`);
}

/** An SDK image (or `Keys`) in wire JSON form, keeping attribute order. */
export function toWireImage(image: Readonly<Record<string, SdkAttributeValue>>): WireImage {
  const result: WireImage = {};
  for (const [name, value] of Object.entries(image)) result[name] = toWireAttributeValue(value);
  return result;
}

/**
 * Parses a wire JSON AttributeValue (e.g. from a replay file or a CLI flag)
 * into the SDK's form, validating it.
 *
 * @throws SluiceError `MalformedRecord` naming `path` when the value is not an AttributeValue.
 */
export function fromWireAttributeValue(value: unknown, path = 'value'): SdkAttributeValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(path, 'must be an object with one type key (S, N, B, SS, NS, BS, M, L, NULL or BOOL)', value);
  }
  const entries = Object.entries(value);
  const entry = entries[0];
  if (entries.length !== 1 || entry === undefined) {
    throw malformed(path, 'must have exactly one type key', value);
  }
  const [type, inner] = entry;
  const at = `${path}.${type}`;
  switch (type) {
    case 'S':
      return { S: expectString(inner, at) };
    case 'N':
      return { N: expectString(inner, at) };
    case 'B':
      return { B: fromBase64(expectString(inner, at), at) };
    case 'SS':
      return { SS: expectStrings(inner, at) };
    case 'NS':
      return { NS: expectStrings(inner, at) };
    case 'BS':
      return { BS: expectStrings(inner, at).map((item, index) => fromBase64(item, `${at}[${index}]`)) };
    case 'M':
      return { M: fromWireImage(inner, at) };
    case 'L':
      if (!Array.isArray(inner)) throw malformed(at, 'must be an array', inner);
      return { L: inner.map((item: unknown, index) => fromWireAttributeValue(item, `${at}[${index}]`)) };
    case 'NULL':
    case 'BOOL':
      if (typeof inner !== 'boolean') throw malformed(at, 'must be a boolean', inner);
      return type === 'NULL' ? { NULL: inner } : { BOOL: inner };
    default:
      throw malformed(path, `has unknown type key ${JSON.stringify(type)}`, value);
  }
}

/** Parses a wire JSON image (`{"id":{"S":"1"}}`) into the SDK's form. */
export function fromWireImage(value: unknown, path = 'image'): Record<string, SdkAttributeValue> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(path, 'must be an object of attribute values', value);
  }
  const result: Record<string, SdkAttributeValue> = {};
  for (const [name, inner] of Object.entries(value)) result[name] = fromWireAttributeValue(inner, `${path}.${name}`);
  return result;
}

/** True when `value` is an object whose every value is a one-key wire AttributeValue. */
export function isWireImage(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((inner: unknown) => {
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return false;
    const keys = Object.keys(inner);
    return keys.length === 1 && (ATTRIBUTE_TYPES as readonly string[]).includes(keys[0] ?? '');
  });
}

/**
 * Marshalls plain JSON into an SDK AttributeValue: string to `S`, number to
 * `N`, boolean to `BOOL`, null to `NULL`, array to `L`, `Uint8Array` to `B`,
 * object to `M`.
 *
 * @throws SluiceError `MalformedRecord` for values JSON cannot hold.
 */
export function marshallPlain(value: unknown, path = 'value'): SdkAttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw malformed(path, 'must be a finite number', value);
    return { N: String(value) };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (value instanceof Uint8Array) return { B: value };
  if (Array.isArray(value)) return { L: value.map((item: unknown, index) => marshallPlain(item, `${path}[${index}]`)) };
  if (typeof value === 'object') {
    const result: Record<string, SdkAttributeValue> = {};
    for (const [name, inner] of Object.entries(value)) result[name] = marshallPlain(inner, `${path}.${name}`);
    return { M: result };
  }
  throw malformed(path, 'cannot be stored in DynamoDB', value);
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw malformed(path, 'must be a string', value);
  return value;
}

function expectStrings(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || !value.every((item: unknown) => typeof item === 'string')) {
    throw malformed(path, 'must be an array of strings', value);
  }
  return value as string[];
}

function fromBase64(text: string, path: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw malformed(path, 'must be base64', text);
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function describe(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => (inner instanceof Uint8Array ? base64(inner) : inner)) ?? String(value);
}

function malformed(path: string, problem: string, value: unknown): SluiceError {
  return new SluiceError('MalformedRecord', `DynamoDB ${path} ${problem}, got ${describe(value)}`);
}
