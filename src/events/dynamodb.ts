import type { _Record as DynamoDbStreamsSdkRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, StreamRecord } from 'aws-lambda';
import { SluiceError } from '../errors.js';
import { toWireImage, type WireImage } from './dynamodb-attributes.js';
import { epochSeconds } from './kinesis.js';

/** Where a DynamoDB Streams record was read from. */
export interface DynamoDbRecordContext {
  readonly streamArn: string;
  /** Used when the SDK record carries no `awsRegion`. */
  readonly region: string;
}

type StreamViewType = NonNullable<StreamRecord['StreamViewType']>;
type EventName = NonNullable<DynamoDBRecord['eventName']>;

const EVENT_NAMES: readonly string[] = ['INSERT', 'MODIFY', 'REMOVE'] satisfies readonly EventName[];
const VIEW_TYPES: readonly string[] = [
  'KEYS_ONLY',
  'NEW_IMAGE',
  'OLD_IMAGE',
  'NEW_AND_OLD_IMAGES',
] satisfies readonly StreamViewType[];

/**
 * The DynamoDB Streams record Lambda delivers for a `GetRecords` record.
 *
 * - AttributeValues are in wire JSON form (binary as base64).
 * - `ApproximateCreationDateTime` is epoch seconds (a number), present when
 *   the stream gives it; `NewImage` / `OldImage` only as the record (its
 *   `StreamViewType`) has them.
 * - `userIdentity` (`{ "type": "Service", "principalId": "dynamodb.amazonaws.com" }`
 *   for deletes made by Time to Live) only when the stream record carries it.
 * - `eventSourceARN` is the stream ARN.
 *
 * @example
 * ```json
 * {
 *   "eventID": "c81e728d9d4c2f636f067f89cc14862c",
 *   "eventName": "MODIFY",
 *   "eventVersion": "1.1",
 *   "eventSource": "aws:dynamodb",
 *   "awsRegion": "us-east-1",
 *   "dynamodb": {
 *     "ApproximateCreationDateTime": 1428537600,
 *     "Keys": { "Id": { "N": "101" } },
 *     "NewImage": { "Message": { "S": "This item has changed" }, "Id": { "N": "101" } },
 *     "OldImage": { "Message": { "S": "New item!" }, "Id": { "N": "101" } },
 *     "SequenceNumber": "4421584500000000017450439092",
 *     "SizeBytes": 59,
 *     "StreamViewType": "NEW_AND_OLD_IMAGES"
 *   },
 *   "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899"
 * }
 * ```
 * @throws SluiceError `MalformedRecord` when the record lacks its id, event
 *   name, keys, sequence number, size or view type, or holds an unknown value.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-streams.html
 */
export function dynamodbRecord(record: DynamoDbStreamsSdkRecord, ctx: DynamoDbRecordContext): DynamoDBRecord {
  const eventID = record.eventID;
  if (eventID === undefined || eventID === '') throw malformed(record, 'eventID');
  const eventName = record.eventName;
  if (eventName === undefined || !EVENT_NAMES.includes(eventName)) {
    throw malformed(record, `eventName (INSERT, MODIFY or REMOVE; got ${JSON.stringify(eventName)})`);
  }
  const stream = record.dynamodb;
  if (stream === undefined) throw malformed(record, 'dynamodb');
  if (stream.Keys === undefined) throw malformed(record, 'dynamodb.Keys');
  if (stream.SequenceNumber === undefined) throw malformed(record, 'dynamodb.SequenceNumber');
  if (stream.SizeBytes === undefined) throw malformed(record, 'dynamodb.SizeBytes');
  const viewType = stream.StreamViewType;
  if (viewType === undefined || !VIEW_TYPES.includes(viewType)) {
    throw malformed(record, `dynamodb.StreamViewType (got ${JSON.stringify(viewType)})`);
  }

  const dynamodb: StreamRecord = {
    ...(stream.ApproximateCreationDateTime !== undefined
      ? { ApproximateCreationDateTime: epochSeconds(stream.ApproximateCreationDateTime) }
      : {}),
    Keys: toWireImage(stream.Keys),
    ...(stream.NewImage !== undefined ? { NewImage: toWireImage(stream.NewImage) } : {}),
    ...(stream.OldImage !== undefined ? { OldImage: toWireImage(stream.OldImage) } : {}),
    SequenceNumber: stream.SequenceNumber,
    SizeBytes: stream.SizeBytes,
    StreamViewType: viewType as StreamViewType,
  };
  const identity = record.userIdentity;
  return {
    eventID,
    eventName: eventName as EventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? ctx.region,
    dynamodb,
    eventSourceARN: ctx.streamArn,
    ...(identity !== undefined
      ? { userIdentity: { type: identity.Type ?? 'Service', principalId: identity.PrincipalId ?? 'dynamodb.amazonaws.com' } }
      : {}),
  };
}

/**
 * A stable string for an item's key attributes (names sorted), used as the
 * ordering key: records of the same item share it, whatever the attribute order.
 *
 * @example
 * ```json
 * { "keys": { "sk": { "S": "b" }, "pk": { "N": "1" } }, "orderingKey": "[[\"pk\",{\"N\":\"1\"}],[\"sk\",{\"S\":\"b\"}]]" }
 * ```
 */
export function dynamodbKeysString(keys: Readonly<WireImage>): string {
  const names = Object.keys(keys).sort();
  return JSON.stringify(names.map((name) => [name, keys[name]]));
}

function malformed(record: DynamoDbStreamsSdkRecord, field: string): SluiceError {
  return new SluiceError('MalformedRecord', `DynamoDB Streams record ${record.eventID ?? '(no eventID)'} has no valid ${field}`);
}
