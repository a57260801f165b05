/**
 * What a filter pattern sees of a record: the Lambda record with its data decoded and
 * without the metadata Lambda adds only after filtering.
 *
 * - SQS: the record without `eventSource`, `eventSourceARN`, `awsRegion`; `body` is
 *   the parsed JSON when it is a JSON object, else the plain string.
 *   @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html
 * - Kinesis: the fields of the record's `kinesis` object at the top level
 *   (`partitionKey`, `sequenceNumber`, `approximateArrivalTimestamp`, ...), `data`
 *   base64-decoded and parsed when it is a JSON object, and absent otherwise (a
 *   pattern on `data` then drops the record; patterns on other fields still apply).
 *   `eventID`, `eventName`, `eventVersion`, `invokeIdentityArn`, `eventSource`,
 *   `eventSourceARN` and `awsRegion` are added after filtering and are not visible.
 *   @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis-filtering.html
 *   @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-streams
 * - DynamoDB: the record (`eventID`, `eventName`, `dynamodb` in AttributeValue form,
 *   `userIdentity`) without `eventSource`, `eventSourceARN`, `awsRegion`, `eventVersion`.
 *   @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html
 * - S3, SNS, schedule: the record as is (Lambda has no filter criteria for these;
 *   sluice applies the same language to the record it delivers).
 */
import { Buffer } from 'node:buffer';
import type { SourceType } from '../config/types.js';
import type { PipelineRecord } from '../records.js';

/** A record as a pattern sees it. */
export type FilterView = Readonly<Record<string, unknown>>;

/** Builds views of one source's records; `decodeData` false skips parsing the data (no pattern reads it). */
export type FilterViewer = (record: PipelineRecord) => FilterView;

const LAMBDA_METADATA: ReadonlySet<string> = new Set(['eventSource', 'eventSourceARN', 'awsRegion']);
const DYNAMODB_METADATA: ReadonlySet<string> = new Set([...LAMBDA_METADATA, 'eventVersion']);
const KINESIS_DATA: ReadonlySet<string> = new Set(['data']);

/** The view a filter pattern is matched against. */
export function filterView(record: PipelineRecord): unknown {
  return createFilterViewer(record.source, true)(record);
}

/**
 * Returns the view builder for a source. With `keys` (the top-level keys the patterns
 * read), the view holds only those keys: what the patterns cannot see need not be copied.
 */
export function createFilterViewer(source: SourceType, decodeData: boolean, keys?: readonly string[]): FilterViewer {
  if (keys !== undefined) return pickingViewer(source, decodeData, keys);
  switch (source) {
    case 'sqs':
      return decodeData ? sqsView : (record) => omit(record.event, LAMBDA_METADATA);
    case 'kinesis':
      return decodeData ? kinesisView : (record) => kinesisFields(record.event);
    case 'dynamodb':
      return (record) => omit(record.event, DYNAMODB_METADATA);
    default:
      return (record) => record.event;
  }
}

function pickingViewer(source: SourceType, decodeData: boolean, keys: readonly string[]): FilterViewer {
  switch (source) {
    case 'sqs': {
      const copied = keys.filter((k) => !LAMBDA_METADATA.has(k) && !(decodeData && k === 'body'));
      const decodeBody = decodeData && keys.includes('body');
      return (record) => {
        const view = pick(record.event, copied);
        if (decodeBody) {
          const body = record.event['body'];
          if (typeof body === 'string') view['body'] = parseJsonObject(body) ?? body;
          else if (body !== undefined) view['body'] = body;
        }
        return view;
      };
    }
    case 'kinesis': {
      const copied = keys.filter((k) => !KINESIS_DATA.has(k));
      const decode = decodeData && keys.includes('data');
      return (record) => {
        const inner = record.event['kinesis'];
        if (!isObject(inner)) return {};
        const view = pick(inner, copied);
        const data = inner['data'];
        if (decode && typeof data === 'string') {
          const parsed = parseJsonObject(Buffer.from(data, 'base64').toString('utf8'));
          if (parsed !== undefined) view['data'] = parsed;
        }
        return view;
      };
    }
    case 'dynamodb': {
      const copied = keys.filter((k) => !DYNAMODB_METADATA.has(k));
      return (record) => pick(record.event, copied);
    }
    default:
      return (record) => record.event;
  }
}

function sqsView(record: PipelineRecord): FilterView {
  const view = omit(record.event, LAMBDA_METADATA);
  const body = record.event['body'];
  if (typeof body === 'string') {
    const parsed = parseJsonObject(body);
    if (parsed !== undefined) view['body'] = parsed;
  }
  return view;
}

function kinesisView(record: PipelineRecord): FilterView {
  const view = kinesisFields(record.event);
  const inner = record.event['kinesis'];
  const data = isObject(inner) ? inner['data'] : undefined;
  if (typeof data === 'string') {
    const parsed = parseJsonObject(Buffer.from(data, 'base64').toString('utf8'));
    if (parsed !== undefined) view['data'] = parsed;
  }
  return view;
}

function kinesisFields(event: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const inner = event['kinesis'];
  return isObject(inner) ? omit(inner, KINESIS_DATA) : {};
}

/** `JSON.parse(text)` when `text` holds a JSON object; undefined for anything else. */
function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
  }
  if (text.charCodeAt(i) !== 0x7b) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function omit(source: Readonly<Record<string, unknown>>, hidden: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in source) {
    if (hidden.has(key)) continue;
    if (key === '__proto__') Object.defineProperty(out, key, { value: source[key], enumerable: true, writable: true, configurable: true });
    else out[key] = source[key];
  }
  return out;
}

function pick(source: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (!Object.hasOwn(source, key)) continue;
    if (key === '__proto__') Object.defineProperty(out, key, { value: source[key], enumerable: true, writable: true, configurable: true });
    else out[key] = source[key];
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
