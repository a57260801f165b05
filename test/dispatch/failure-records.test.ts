import { describe, expect, it } from 'vitest';
import { functionArn, streamFailureRecord } from '../../src/dispatch/failure-records.js';
import { streamRecords } from '../support/records.js';

describe('failure records', () => {
  it('functionArn builds Lambda’s ARN from a name and keeps an ARN as it is', () => {
    expect(functionArn('eu-west-1', '123456789012', 'thumbs')).toBe('arn:aws:lambda:eu-west-1:123456789012:function:thumbs');
    expect(functionArn('eu-west-1', '123456789012', 'arn:aws:lambda:us-east-1:1:function:x')).toBe('arn:aws:lambda:us-east-1:1:function:x');
  });

  it('a batch discarded before any invocation (age) has statusCode 0 and a fresh request id', () => {
    const document = streamFailureRecord(streamRecords(2), {
      source: 'kinesis',
      functionArn: 'arn:aws:lambda:us-east-1:1:function:f',
      streamArn: 'arn:aws:kinesis:us-east-1:1:stream/s',
      shardId: 'shardId-000000000000',
      condition: 'RecordAgeExceeded',
      approximateInvokeCount: 0,
      now: new Date('2026-01-15T09:00:00Z'),
    });
    expect(document['responseContext']).toEqual({ statusCode: 0, executedVersion: '$LATEST', functionError: '' });
    expect((document['requestContext'] as { requestId: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(document['timestamp']).toBe('2026-01-15T09:00:00.000Z');
  });

  it('refuses an empty batch', () => {
    expect(() =>
      streamFailureRecord([], {
        source: 'dynamodb',
        functionArn: 'f',
        streamArn: 's',
        shardId: 'x',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 1,
        now: new Date(),
      }),
    ).toThrow(RangeError);
  });
});
