import { DynamoDBStreamRecord, DynamoDBStreamSchema } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { dynamodbKeysString, dynamodbRecord } from '../../src/events/dynamodb.js';
import { expectExactJson, expectPowertoolsAccepts, fixture } from './shape.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** A DynamoDB Streams GetRecords record with every AttributeValue type, as the SDK returns it. */
const insert: _Record = {
  eventID: 'c4ca4238a0b923820dcc509a6f75849b',
  eventName: 'INSERT',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'us-east-2',
  dynamodb: {
    ApproximateCreationDateTime: new Date('2024-01-01T00:00:00.000Z'),
    Keys: { pk: { S: 'order#42' }, sk: { N: '1' } },
    NewImage: {
      pk: { S: 'order#42' },
      sk: { N: '1' },
      total: { N: '19.99' },
      paid: { BOOL: true },
      note: { NULL: true },
      tags: { SS: ['gift', 'rush'] },
      sizes: { NS: ['1', '2.5'] },
      blob: { B: bytes(0, 1, 42, 65) },
      blobs: { BS: [bytes(0, 1, 42, 65), bytes(65, 42, 1, 0)] },
      lines: { L: [{ S: 'book' }, { N: '2' }, { M: { sku: { S: 'b-1' } } }] },
      customer: { M: { name: { S: 'Ada' }, vip: { BOOL: false } } },
    },
    SequenceNumber: '4421584500000000017450439091',
    SizeBytes: 150,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
};

/** A delete made by Time to Live: the stream record carries the service identity. */
const ttlRemove: _Record = {
  eventID: 'eccbc87e4b5ce2fe28308fd9f2a7baf3',
  eventName: 'REMOVE',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'us-east-2',
  dynamodb: {
    ApproximateCreationDateTime: new Date('2024-01-01T00:01:00.000Z'),
    Keys: { pk: { S: 'session#9' } },
    OldImage: { pk: { S: 'session#9' }, expiresAt: { N: '1704067200' } },
    SequenceNumber: '4421584500000000017450439093',
    SizeBytes: 38,
    StreamViewType: 'OLD_IMAGE',
  },
  userIdentity: { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' },
};

const cases = [
  {
    name: 'INSERT with every attribute type',
    record: insert,
    streamArn: 'arn:aws:dynamodb:us-east-2:111122223333:table/orders/stream/2024-01-01T00:00:00.000',
    expected: 'dynamodb-insert.json',
  },
  {
    name: 'REMOVE by Time to Live (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-streams.html)',
    record: ttlRemove,
    streamArn: 'arn:aws:dynamodb:us-east-2:111122223333:table/sessions/stream/2024-01-01T00:00:00.000',
    expected: 'dynamodb-ttl-remove.json',
  },
] as const;

describe('dynamodbRecord (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html)', () => {
  it.each(cases)('$name: exactly the documented record', ({ record, streamArn, expected }) => {
    expectExactJson(dynamodbRecord(record, { streamArn, region: 'us-east-2' }), fixture(expected));
  });

  it.each(cases)('$name: accepted by the Powertools DynamoDB schemas with no unknown key', ({ record, streamArn }) => {
    const event = dynamodbRecord(record, { streamArn, region: 'us-east-2' });
    const images = ['dynamodb.Keys', 'dynamodb.NewImage', 'dynamodb.OldImage'];
    expectPowertoolsAccepts(DynamoDBStreamRecord, event, images);
    expectPowertoolsAccepts(DynamoDBStreamSchema, { Records: [event] }, images.map((path) => `Records[].${path}`));
  });

  it('is typed as @types/aws-lambda DynamoDBRecord', () => {
    expectTypeOf(dynamodbRecord).returns.toEqualTypeOf<DynamoDBRecord>();
    expectTypeOf(dynamodbRecord).parameter(0).toEqualTypeOf<_Record>();
  });

  it('has only the images the stream record has (KEYS_ONLY: none) and no creation time when the stream gives none', () => {
    const stream = insert.dynamodb ?? {};
    const { ApproximateCreationDateTime: _time, NewImage: _image, ...keysOnly } = stream;
    const event = dynamodbRecord(
      { ...insert, dynamodb: { ...keysOnly, StreamViewType: 'KEYS_ONLY' } },
      { streamArn: 'arn:x', region: 'us-east-2' },
    );
    expect(Object.keys(event.dynamodb ?? {})).toStrictEqual(['Keys', 'SequenceNumber', 'SizeBytes', 'StreamViewType']);
  });

  it('keeps sub-second creation times as a fraction of a second', () => {
    const event = dynamodbRecord(
      { ...insert, dynamodb: { ...insert.dynamodb, ApproximateCreationDateTime: new Date(1635734407123) } },
      { streamArn: 'arn:x', region: 'us-east-2' },
    );
    expect(event.dynamodb?.ApproximateCreationDateTime).toBe(1635734407.123);
  });

  it('uses the context region when the record has none', () => {
    const { awsRegion: _region, ...withoutRegion } = insert;
    expect(dynamodbRecord(withoutRegion, { streamArn: 'arn:x', region: 'eu-west-1' }).awsRegion).toBe('eu-west-1');
  });

  it.each([
    ['eventID', { ...insert, eventID: undefined }, /no valid eventID/],
    ['a known eventName', { ...insert, eventName: 'UPDATE' as 'MODIFY' }, /eventName \(INSERT, MODIFY or REMOVE; got "UPDATE"\)/],
    ['dynamodb.Keys', { ...insert, dynamodb: { ...insert.dynamodb, Keys: undefined } }, /dynamodb\.Keys/],
    ['dynamodb.SequenceNumber', { ...insert, dynamodb: { ...insert.dynamodb, SequenceNumber: undefined } }, /SequenceNumber/],
    ['dynamodb.SizeBytes', { ...insert, dynamodb: { ...insert.dynamodb, SizeBytes: undefined } }, /SizeBytes/],
    ['a known StreamViewType', { ...insert, dynamodb: { ...insert.dynamodb, StreamViewType: 'ALL' as 'KEYS_ONLY' } }, /StreamViewType/],
    ['known attribute types', { ...insert, dynamodb: { ...insert.dynamodb, Keys: { pk: { $unknown: ['X', 1] } } } }, /unknown type/],
  ] as const)('rejects a record without %s as MalformedRecord', (_field, record, pattern) => {
    expect(() => dynamodbRecord(record as _Record, { streamArn: 'arn:x', region: 'us-east-2' })).toThrow(
      expect.objectContaining({ code: 'MalformedRecord', message: expect.stringMatching(pattern) }),
    );
  });
});

describe('dynamodbKeysString', () => {
  it('is the same whatever the key attribute order, and differs between items', () => {
    const a = dynamodbKeysString({ pk: { S: 'a' }, sk: { N: '1' } });
    expect(dynamodbKeysString({ sk: { N: '1' }, pk: { S: 'a' } })).toBe(a);
    expect(dynamodbKeysString({ pk: { S: 'a' }, sk: { N: '2' } })).not.toBe(a);
    expect(dynamodbKeysString({ pk: { N: 'a' }, sk: { N: '1' } })).not.toBe(a);
  });
});
