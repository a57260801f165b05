import { describe, expect, it } from 'vitest';
import { dynamodbStreamArn, eventsRuleArn, isArn, kinesisStreamArn, partitionOf, snsTopicArn } from '../../src/events/arn.js';
import { createSampleIds } from '../../src/events/sample-ids.js';

describe('ARNs (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html)', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
  ])('%s is in partition %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });

  it('builds resource ARNs from names and keeps ARNs as given', () => {
    expect(kinesisStreamArn('clicks', 'cn-north-1', '123456789012')).toBe('arn:aws-cn:kinesis:cn-north-1:123456789012:stream/clicks');
    expect(kinesisStreamArn('arn:aws:kinesis:us-east-1:1:stream/x', 'eu-west-1', '2')).toBe('arn:aws:kinesis:us-east-1:1:stream/x');
    expect(snsTopicArn('alerts', 'us-east-1', '123456789012')).toBe('arn:aws:sns:us-east-1:123456789012:alerts');
    expect(eventsRuleArn('nightly', 'us-east-1', '123456789012')).toBe('arn:aws:events:us-east-1:123456789012:rule/nightly');
    expect(dynamodbStreamArn('t', '2024-01-01T00:00:00.000', 'us-east-1', '123456789012')).toBe(
      'arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000',
    );
    expect(isArn('arn:aws:sqs:us-east-1:1:q')).toBe(true);
    expect(isArn('my-queue')).toBe(false);
  });
});

describe('createSampleIds', () => {
  it('derives stable, well-formed ids per seed and label', () => {
    const ids = createSampleIds('seed');
    expect(ids.uuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids.uuid('a')).toBe(createSampleIds('seed').uuid('a'));
    expect(ids.uuid('a')).not.toBe(ids.uuid('b'));
    expect(ids.uuid('a')).not.toBe(createSampleIds('other').uuid('a'));
    expect(ids.hex('h', 45)).toMatch(/^[0-9a-f]{45}$/);
    expect(ids.digits('d', 70)).toMatch(/^\d{70}$/);
    expect(Buffer.from(ids.base64('b', 100), 'base64')).toHaveLength(100);
  });
});
