import { KinesisDataStreamRecord, KinesisDataStreamSchema } from '@aws-lambda-powertools/parser/schemas/kinesis';
import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { epochSeconds, kinesisRecord } from '../../src/events/kinesis.js';
import { expectExactJson, expectPowertoolsAccepts, fixture } from './shape.js';

const ctx = {
  shardId: 'shardId-000000000006',
  streamArn: 'arn:aws:kinesis:us-east-2:111122223333:stream/orders',
  region: 'us-east-2',
  invokeIdentityArn: 'arn:aws:iam::111122223333:role/orders-consumer',
};

const sdkRecord: _Record = {
  SequenceNumber: '49590338271490256608559692538361571095921575989136588898',
  ApproximateArrivalTimestamp: new Date(1545084650987),
  Data: new TextEncoder().encode('Hello, this is a test.'),
  PartitionKey: 'customer-7',
  EncryptionType: 'KMS',
};

describe('kinesisRecord (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html)', () => {
  it('is exactly the documented record (data base64, arrival in float seconds, no encryptionType)', () => {
    expectExactJson(kinesisRecord(sdkRecord, ctx), fixture('kinesis.json'));
  });

  it('is accepted by the Powertools Kinesis schemas with no unknown key', () => {
    const record = kinesisRecord(sdkRecord, ctx);
    expectPowertoolsAccepts(KinesisDataStreamRecord, record, ['kinesis.data']);
    expectPowertoolsAccepts(KinesisDataStreamSchema, { Records: [record] }, ['Records[].kinesis.data']);
  });

  it('is typed as @types/aws-lambda KinesisStreamRecord', () => {
    expectTypeOf(kinesisRecord).returns.toEqualTypeOf<KinesisStreamRecord>();
    expectTypeOf(kinesisRecord).parameter(0).toEqualTypeOf<_Record>();
  });

  it('keeps arbitrary bytes intact through base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        const record = kinesisRecord({ ...sdkRecord, Data: bytes }, ctx);
        expect(new Uint8Array(Buffer.from(record.kinesis.data, 'base64'))).toStrictEqual(bytes);
      }),
    );
  });

  it('writes arrival times as seconds whose JSON text keeps exactly the milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444800000 }), (ms) => {
        const seconds = epochSeconds(new Date(ms));
        expect(JSON.stringify(seconds)).toBe(String(ms / 1000));
        expect(Math.round(seconds * 1000)).toBe(ms);
      }),
    );
    expect(JSON.stringify(epochSeconds(new Date(1545084711166)))).toBe('1545084711.166');
  });

  it.each([
    ['SequenceNumber', { SequenceNumber: undefined }, /no SequenceNumber/],
    ['Data', { Data: undefined }, /no Data/],
    ['PartitionKey', { PartitionKey: undefined }, /no PartitionKey/],
    ['ApproximateArrivalTimestamp', { ApproximateArrivalTimestamp: undefined }, /no ApproximateArrivalTimestamp/],
  ] as const)('rejects a record without %s as MalformedRecord', (_field, change, pattern) => {
    const record: _Record = { ...sdkRecord, ...change };
    expect(() => kinesisRecord(record, ctx)).toThrow(expect.objectContaining({ code: 'MalformedRecord', message: expect.stringMatching(pattern) }));
  });
});
