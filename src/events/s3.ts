import { createHash } from 'node:crypto';
import type { S3EventRecord, S3EventRecordGlacierEventData } from 'aws-lambda';
import { SluiceError } from '../errors.js';
import { partitionOf } from './arn.js';
import { decodeS3Key, encodeS3Key } from './s3-key.js';
import { createReader, parseJsonBody, type JsonObject } from './validate.js';

export { decodeS3Key, encodeS3Key } from './s3-key.js';

/**
 * `s3.object` as S3 sends it: `size` and `eTag` only for events about an
 * object's content (not deletes), `versionId` only for versioned buckets,
 * `sequencer` only for PUT and DELETE events.
 */
export interface S3NotificationObject {
  key: string;
  size?: number;
  eTag?: string;
  versionId?: string | undefined;
  sequencer?: string;
}

/**
 * The S3 record Lambda delivers. The same as `@types/aws-lambda`'s
 * `S3EventRecord` except that `s3.object`'s optional fields are optional, as
 * they are on the wire (every `S3EventRecord` is an `S3NotificationRecord`).
 */
export type S3NotificationRecord = Omit<S3EventRecord, 's3'> & {
  s3: Omit<S3EventRecord['s3'], 'object'> & { object: S3NotificationObject };
};

/** What an S3 event is about. Identity and request fields default to fixed values. */
export interface S3RecordInput {
  /** e.g. `ObjectCreated:Put`; an `s3:` prefix (as in notification configurations) is removed. */
  readonly eventName: string;
  readonly bucket: string;
  /** The raw key: it is URL-encoded here, as S3 does. */
  readonly key: string;
  readonly size?: number;
  readonly eTag?: string;
  readonly versionId?: string;
  readonly sequencer?: string;
  readonly region: string;
  /** When the event happened (`eventTime`, ISO 8601 with milliseconds). */
  readonly time: Date;
  /** `userIdentity.principalId`; default `AWS:000000000000`. */
  readonly principalId?: string;
  /** `requestParameters.sourceIPAddress`; default `127.0.0.1`. */
  readonly sourceIPAddress?: string;
  /** `responseElements["x-amz-request-id"]`; default derived from the event. */
  readonly requestId?: string;
  /** `responseElements["x-amz-id-2"]`; default derived from the event. */
  readonly hostId?: string;
  /** The notification configuration's id; default `sluice`. */
  readonly configurationId?: string;
  /** `s3.bucket.ownerIdentity.principalId`; default the `principalId`'s default. */
  readonly ownerPrincipalId?: string;
  /** Default `2.1` (S3 uses 2.2 / 2.3 for some replication and lifecycle events). */
  readonly eventVersion?: string;
  readonly glacierEventData?: S3EventRecordGlacierEventData;
}

const DEFAULT_PRINCIPAL = 'AWS:000000000000';

/**
 * The S3 event record Lambda receives for an object event.
 *
 * @example
 * ```json
 * {
 *   "eventVersion": "2.1",
 *   "eventSource": "aws:s3",
 *   "awsRegion": "us-east-2",
 *   "eventTime": "2019-09-03T19:37:27.192Z",
 *   "eventName": "ObjectCreated:Put",
 *   "userIdentity": { "principalId": "AWS:AIDAINPONIXQXHT3IKHL2" },
 *   "requestParameters": { "sourceIPAddress": "205.255.255.255" },
 *   "responseElements": {
 *     "x-amz-request-id": "D82B88E5F771F645",
 *     "x-amz-id-2": "vlR7PnpV2Ce81l0PRw6jlUpck7Jo5ZsQjryTjKlc5aLWGVHPZLj5NeC6qMa0emYBDXOo6QBU0Wo="
 *   },
 *   "s3": {
 *     "s3SchemaVersion": "1.0",
 *     "configurationId": "828aa6fc-f7b5-4305-8584-487c791949c1",
 *     "bucket": {
 *       "name": "lambda-artifacts-deafc19498e3f2df",
 *       "ownerIdentity": { "principalId": "A3I5XTEXAMAI3E" },
 *       "arn": "arn:aws:s3:::lambda-artifacts-deafc19498e3f2df"
 *     },
 *     "object": {
 *       "key": "b21b84d653bb07b05b1e6b33684dc11b",
 *       "size": 1305107,
 *       "eTag": "b21b84d653bb07b05b1e6b33684dc11b",
 *       "sequencer": "0C0F6F405D6ED209E1"
 *     }
 *   }
 * }
 * ```
 * @throws SluiceError `MalformedRecord` for an invalid time or an empty bucket or event name.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html
 */
export function s3Record(input: S3RecordInput): S3NotificationRecord {
  if (Number.isNaN(input.time.getTime())) throw new SluiceError('MalformedRecord', 'S3 event time is not a valid date');
  const eventName = input.eventName.replace(/^s3:/, '');
  if (eventName === '') throw new SluiceError('MalformedRecord', 'S3 event has no event name');
  if (input.bucket === '') throw new SluiceError('MalformedRecord', 'S3 event has no bucket name');
  const eventTime = input.time.toISOString();
  const digest = createHash('sha256')
    .update([input.bucket, input.key, eventName, eventTime, input.versionId ?? ''].join('\n'))
    .digest();
  const principalId = input.principalId ?? DEFAULT_PRINCIPAL;
  const object: S3NotificationObject = {
    key: encodeS3Key(input.key),
    ...(input.size !== undefined ? { size: input.size } : {}),
    ...(input.eTag !== undefined ? { eTag: input.eTag } : {}),
    ...(input.versionId !== undefined ? { versionId: input.versionId } : {}),
    ...(input.sequencer !== undefined ? { sequencer: input.sequencer } : {}),
  };
  return {
    eventVersion: input.eventVersion ?? '2.1',
    eventSource: 'aws:s3',
    awsRegion: input.region,
    eventTime,
    eventName,
    userIdentity: { principalId },
    requestParameters: { sourceIPAddress: input.sourceIPAddress ?? '127.0.0.1' },
    responseElements: {
      'x-amz-request-id': input.requestId ?? digest.subarray(0, 8).toString('hex').toUpperCase(),
      'x-amz-id-2': input.hostId ?? digest.toString('base64'),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: input.configurationId ?? 'sluice',
      bucket: {
        name: input.bucket,
        ownerIdentity: { principalId: input.ownerPrincipalId ?? principalId },
        arn: `arn:${partitionOf(input.region)}:s3:::${input.bucket}`,
      },
      object,
    },
    ...(input.glacierEventData !== undefined ? { glacierEventData: input.glacierEventData } : {}),
  };
}

/** What `s3:TestEvent` parses to: S3 sends it once when a notification configuration is saved. */
export interface S3TestEvent {
  readonly testEvent: true;
}

export interface ParseS3NotificationOptions {
  /** Region for records whose `awsRegion` is empty (some S3-compatible servers send `""`). */
  readonly region?: string;
}

const reader = createReader('S3 notification');

/**
 * Validates a notification body an S3-compatible server POSTs (or S3 puts in a
 * queue or topic) and returns its records exactly as Lambda would deliver
 * them, or `{ testEvent: true }` for S3's `s3:TestEvent`
 * (`{"Service":"Amazon S3","Event":"s3:TestEvent","Time":...,"Bucket":...}`).
 *
 * Records are rebuilt through {@link s3Record}, so servers' deviations are
 * normalized: an `s3:` prefix on `eventName` is dropped, `eventSource` becomes
 * `aws:s3`, keys encoded another way (`%2F`, `%20`) are re-encoded as S3 does,
 * `eventTime` gets milliseconds, and fields Lambda does not deliver
 * (`contentType`, `userMetadata`, `source`, `x-minio-*`) are left out.
 *
 * @example
 * ```json
 * { "Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2024-01-01T00:00:00.000Z",
 *   "Bucket": "uploads", "RequestId": "5582815E1AEA5ADF", "HostId": "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE" }
 * ```
 * @throws SluiceError `MalformedRecord` naming the first invalid field.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export function parseS3Notification(
  body: unknown,
  options: ParseS3NotificationOptions = {},
): S3NotificationRecord[] | S3TestEvent {
  const document = reader.object(parseJsonBody(body, 'S3 notification'), 'body');
  if (document['Event'] === 's3:TestEvent') return { testEvent: true };
  const records = document['Records'];
  if (!Array.isArray(records) || records.length === 0) {
    return reader.fail('Records', 'must be a non-empty array (or the body an s3:TestEvent)', records);
  }
  return records.map((record: unknown, index) => parseRecord(record, `Records[${index}]`, options));
}

function parseRecord(value: unknown, path: string, options: ParseS3NotificationOptions): S3NotificationRecord {
  const record = reader.object(value, path);
  const eventTime = reader.string(record, 'eventTime', path);
  const time = new Date(eventTime);
  if (Number.isNaN(time.getTime())) reader.fail(`${path}.eventTime`, 'must be an ISO 8601 time', eventTime);
  const awsRegion = reader.optionalString(record, 'awsRegion', path) ?? '';
  const s3 = reader.object(record['s3'], `${path}.s3`);
  const bucket = reader.object(s3['bucket'], `${path}.s3.bucket`);
  const object = reader.object(s3['object'], `${path}.s3.object`);
  const key = reader.string(object, 'key', `${path}.s3.object`);
  const userIdentity = reader.optionalObject(record, 'userIdentity', path);
  const requestParameters = reader.optionalObject(record, 'requestParameters', path);
  const responseElements = reader.optionalObject(record, 'responseElements', path);
  const owner = reader.optionalObject(bucket, 'ownerIdentity', `${path}.s3.bucket`);
  const input: S3RecordInput = {
    eventName: reader.string(record, 'eventName', path),
    bucket: reader.string(bucket, 'name', `${path}.s3.bucket`),
    key: decodeS3Key(key),
    region: awsRegion !== '' ? awsRegion : (options.region ?? ''),
    time,
    ...defined('eventVersion', reader.optionalString(record, 'eventVersion', path)),
    ...defined('size', reader.optionalNumber(object, 'size', `${path}.s3.object`)),
    ...defined('eTag', reader.optionalString(object, 'eTag', `${path}.s3.object`)),
    ...defined('versionId', nonEmpty(reader.optionalString(object, 'versionId', `${path}.s3.object`))),
    ...defined('sequencer', reader.optionalString(object, 'sequencer', `${path}.s3.object`)),
    ...defined('configurationId', reader.optionalString(s3, 'configurationId', `${path}.s3`)),
    ...defined('principalId', userIdentity && reader.optionalString(userIdentity, 'principalId', `${path}.userIdentity`)),
    ...defined('ownerPrincipalId', owner && reader.optionalString(owner, 'principalId', `${path}.s3.bucket.ownerIdentity`)),
    ...defined(
      'sourceIPAddress',
      requestParameters && reader.optionalString(requestParameters, 'sourceIPAddress', `${path}.requestParameters`),
    ),
    ...defined('requestId', responseElements && reader.optionalString(responseElements, 'x-amz-request-id', `${path}.responseElements`)),
    ...defined('hostId', responseElements && reader.optionalString(responseElements, 'x-amz-id-2', `${path}.responseElements`)),
    ...defined('glacierEventData', glacierEventData(record, path)),
  };
  return s3Record(input);
}

function glacierEventData(record: JsonObject, path: string): S3EventRecordGlacierEventData | undefined {
  const glacier = reader.optionalObject(record, 'glacierEventData', path);
  if (glacier === undefined) return undefined;
  const restore = reader.object(glacier['restoreEventData'], `${path}.glacierEventData.restoreEventData`);
  const at = `${path}.glacierEventData.restoreEventData`;
  return {
    restoreEventData: {
      lifecycleRestorationExpiryTime: reader.string(restore, 'lifecycleRestorationExpiryTime', at),
      lifecycleRestoreStorageClass: reader.string(restore, 'lifecycleRestoreStorageClass', at),
    },
  };
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
