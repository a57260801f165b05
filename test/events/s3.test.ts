import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import type { S3EventRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  decodeS3Key,
  encodeS3Key,
  parseS3Notification,
  s3Record,
  type S3NotificationRecord,
  type S3RecordInput,
} from '../../src/events/s3.js';
import { expectExactJson, expectPowertoolsAccepts, fixture } from './shape.js';

const put: S3RecordInput = {
  eventName: 's3:ObjectCreated:Put',
  bucket: 'uploads',
  key: 'photos/my photo (1) été.jpg',
  size: 1305107,
  eTag: 'b21b84d653bb07b05b1e6b33684dc11b',
  sequencer: '0055AED6DCD90281E5',
  region: 'us-east-2',
  time: new Date('2024-01-01T00:00:00.123Z'),
  principalId: 'AWS:AIDAEXAMPLEUSERID0001',
  sourceIPAddress: '203.0.113.7',
  requestId: 'C3D13FE58DE4C810',
  hostId: 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
  configurationId: 'on-upload',
  ownerPrincipalId: 'A3NL1KOZZKEXAMPLE',
};

const remove: S3RecordInput = {
  eventName: 'ObjectRemoved:Delete',
  bucket: 'uploads',
  key: 'reports/2024=01/a+b.csv',
  versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko',
  sequencer: '0055AED6DCD90281E6',
  region: 'us-east-2',
  time: new Date('2024-01-01T00:00:00.123Z'),
  principalId: 'AWS:AIDAEXAMPLEUSERID0001',
  sourceIPAddress: '203.0.113.7',
  requestId: 'C3D13FE58DE4C811',
  hostId: 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpE',
  configurationId: 'on-delete',
  ownerPrincipalId: 'A3NL1KOZZKEXAMPLE',
};

const cases = [
  { name: 'ObjectCreated:Put (size and eTag, key encoded)', input: put, expected: 's3-put.json' },
  { name: 'ObjectRemoved:Delete in a versioned bucket (no size, no eTag)', input: remove, expected: 's3-delete.json' },
] as const;

describe('s3Record (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html)', () => {
  it.each(cases)('$name: exactly the documented record', ({ input, expected }) => {
    expectExactJson(s3Record(input), fixture(expected));
  });

  it.each(cases)('$name: accepted by the Powertools S3 schema with no unknown key', ({ input }) => {
    expectPowertoolsAccepts(S3Schema, { Records: [s3Record(input)] });
  });

  it('is typed as @types/aws-lambda S3EventRecord with the wire-optional object fields optional', () => {
    expectTypeOf(s3Record).returns.toEqualTypeOf<S3NotificationRecord>();
    expectTypeOf<S3EventRecord>().toExtend<S3NotificationRecord>();
    expectTypeOf<keyof S3NotificationRecord>().toEqualTypeOf<keyof S3EventRecord>();
    expectTypeOf<keyof S3NotificationRecord['s3']['object']>().toEqualTypeOf<keyof S3EventRecord['s3']['object']>();
  });

  it('derives stable defaults for the request fields and the owner', () => {
    const minimal: S3RecordInput = { eventName: 'ObjectCreated:Copy', bucket: 'b', key: 'k', region: 'cn-north-1', time: put.time };
    const record = s3Record(minimal);
    expect(record).toStrictEqual(s3Record(minimal));
    expect(record.s3.bucket.arn).toBe('arn:aws-cn:s3:::b');
    expect(record.userIdentity.principalId).toBe(record.s3.bucket.ownerIdentity.principalId);
    expect(record.responseElements['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
    expect(record.requestParameters.sourceIPAddress).toBe('127.0.0.1');
    expect(s3Record({ ...minimal, key: 'other' }).responseElements['x-amz-request-id']).not.toBe(record.responseElements['x-amz-request-id']);
  });

  it.each([
    ['an invalid time', { ...put, time: new Date('nope') }, /not a valid date/],
    ['no event name', { ...put, eventName: 's3:' }, /no event name/],
    ['no bucket', { ...put, bucket: '' }, /no bucket/],
  ])('rejects %s as MalformedRecord', (_case, input, pattern) => {
    expect(() => s3Record(input)).toThrow(expect.objectContaining({ code: 'MalformedRecord', message: expect.stringMatching(pattern) }));
  });
});

describe('S3 key encoding (application/x-www-form-urlencoded, "/" kept)', () => {
  it.each([
    ['red flower.jpg', 'red+flower.jpg'],
    ['this im + age blah.txt', 'this+im+%2B+age+blah.txt'],
    ['test/10:47:07.log', 'test/10%3A47%3A07.log'],
    ['something/dt=2018-05-04/_SUCCESS', 'something/dt%3D2018-05-04/_SUCCESS'],
    ['a-b_c.d*e', 'a-b_c.d*e'],
    ['~tilde (1)!\'', '%7Etilde+%281%29%21%27'],
    ['snow☃/😀', 'snow%E2%98%83/%F0%9F%98%80'],
    ['100%', '100%25'],
  ])('%j -> %j', (raw, encoded) => {
    expect(encodeS3Key(raw)).toBe(encoded);
    expect(decodeS3Key(encoded)).toBe(raw);
  });

  it('round-trips any key through decodeURIComponent(key.replace(/\\+/g, " "))', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (key) => {
        const encoded = encodeS3Key(key);
        expect(encoded).toMatch(/^[A-Za-z0-9._*/+%-]*$/);
        expect(decodeURIComponent(encoded.replace(/\+/g, ' '))).toBe(key);
      }),
    );
  });

  it('rejects a broken escape when decoding', () => {
    expect(() => decodeS3Key('a%E2%98')).toThrow(expect.objectContaining({ code: 'MalformedRecord' }));
  });
});

describe('parseS3Notification', () => {
  it('recognises s3:TestEvent', () => {
    const body = {
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2024-01-01T00:00:00.000Z',
      Bucket: 'uploads',
      RequestId: '5582815E1AEA5ADF',
      HostId: 'hostid',
    };
    expect(parseS3Notification(body)).toStrictEqual({ testEvent: true });
    expect(parseS3Notification(JSON.stringify(body))).toStrictEqual({ testEvent: true });
  });

  it('returns AWS records unchanged', () => {
    const records = [s3Record(put), s3Record(remove)];
    expect(parseS3Notification(JSON.stringify({ Records: records }))).toStrictEqual(records);
  });

  it('normalizes what an S3-compatible server (MinIO style) posts into the record Lambda delivers', () => {
    const posted = {
      EventName: 's3:ObjectCreated:Put',
      Key: 'uploads/photos/my photo (1) été.jpg',
      Records: [
        {
          eventVersion: '2.0',
          eventSource: 'minio:s3',
          awsRegion: '',
          eventTime: '2024-01-01T00:00:00.123Z',
          eventName: 's3:ObjectCreated:Put',
          userIdentity: { principalId: 'AWS:AIDAEXAMPLEUSERID0001' },
          requestParameters: { principalId: 'x', region: '', sourceIPAddress: '203.0.113.7' },
          responseElements: {
            'x-amz-request-id': 'C3D13FE58DE4C810',
            'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
            'x-minio-origin-endpoint': 'http://127.0.0.1:9000',
          },
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: 'on-upload',
            bucket: { name: 'uploads', ownerIdentity: { principalId: 'A3NL1KOZZKEXAMPLE' }, arn: 'arn:aws:s3:::uploads' },
            object: {
              key: 'photos%2Fmy%20photo%20%281%29%20%C3%A9t%C3%A9.jpg',
              size: 1305107,
              eTag: 'b21b84d653bb07b05b1e6b33684dc11b',
              contentType: 'image/jpeg',
              userMetadata: { 'content-type': 'image/jpeg' },
              sequencer: '0055AED6DCD90281E5',
            },
          },
          source: { host: '127.0.0.1', port: '', userAgent: 'curl' },
        },
      ],
    };
    const parsed = parseS3Notification(posted, { region: 'us-east-2' });
    expect(parsed).toStrictEqual([{ ...s3Record(put), eventVersion: '2.0' }]);
  });

  it.each([
    ['not JSON', '{', /body is not JSON/],
    ['not an object', '[]', /body must be an object/],
    ['no Records', {}, /Records must be a non-empty array/],
    ['empty Records', { Records: [] }, /Records must be a non-empty array/],
    ['a record without eventTime', { Records: [{ eventName: 'ObjectCreated:Put' }] }, /Records\[0\]\.eventTime must be a string, got nothing/],
    ['a bad eventTime', { Records: [{ eventTime: 'yesterday' }] }, /Records\[0\]\.eventTime must be an ISO 8601 time, got "yesterday"/],
    ['no s3 object', { Records: [{ eventTime: '2024-01-01T00:00:00Z', s3: { bucket: { name: 'b' } } }] }, /Records\[0\]\.s3\.object must be an object/],
    [
      'a numeric key',
      { Records: [{ eventTime: '2024-01-01T00:00:00Z', s3: { bucket: { name: 'b' }, object: { key: 7 } } }] },
      /Records\[0\]\.s3\.object\.key must be a string, got 7/,
    ],
    [
      'a string size',
      { Records: [{ eventTime: '2024-01-01T00:00:00Z', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'k', size: '1' } } }] },
      /Records\[0\]\.s3\.object\.size must be a number, got "1"/,
    ],
  ])('rejects %s with a clear MalformedRecord error', (_case, body, pattern) => {
    expect(() => parseS3Notification(body)).toThrow(expect.objectContaining({ code: 'MalformedRecord', message: expect.stringMatching(pattern) }));
  });
});
