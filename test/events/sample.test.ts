import { DynamoDBStreamSchema } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { KinesisDataStreamSchema } from '@aws-lambda-powertools/parser/schemas/kinesis';
import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import { SnsSchema } from '@aws-lambda-powertools/parser/schemas/sns';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import type { DynamoDBStreamEvent, KinesisStreamEvent, ScheduledEvent, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { md5OfBody } from '../../src/events/sqs-md5.js';
import { SAMPLE_SOURCES, sampleEvent, sampleEventHelp, type SampleSource } from '../../src/events/sample.js';
import type { S3NotificationRecord } from '../../src/events/s3.js';
import type { SnsLambdaRecord } from '../../src/events/sns.js';
import { expectPowertoolsAccepts, fixture, shapeSet } from './shape.js';

const SCHEMAS: Readonly<Record<SampleSource, readonly [z.ZodType, readonly string[]]>> = {
  sqs: [SqsSchema, []],
  'sqs-fifo': [SqsSchema, []],
  kinesis: [KinesisDataStreamSchema, ['Records[].kinesis.data']],
  dynamodb: [DynamoDBStreamSchema, ['Records[].dynamodb.Keys', 'Records[].dynamodb.NewImage', 'Records[].dynamodb.OldImage']],
  s3: [S3Schema, []],
  sns: [SnsSchema, []],
  schedule: [EventBridgeSchema, []],
};

/** The documented shape each default sample must have (the normalizer fixtures). */
const SHAPES: Readonly<Record<SampleSource, string>> = {
  sqs: 'sqs-standard.json',
  'sqs-fifo': 'sqs-fifo.json',
  kinesis: 'kinesis.json',
  dynamodb: 'dynamodb-insert.json',
  s3: 's3-put.json',
  sns: 'sns.json',
  schedule: 'scheduled.json',
};

const records = <T>(event: unknown): T[] => (event as { Records: T[] }).Records;

describe('sampleEvent', () => {
  it.each(SAMPLE_SOURCES)('%s: a full event the Powertools schema accepts, with no unknown key', (source) => {
    const [schema, transformed] = SCHEMAS[source];
    expectPowertoolsAccepts(schema, sampleEvent(source, {}), transformed);
  });

  it.each(SAMPLE_SOURCES)('%s: the default sample has the documented key paths and types', (source) => {
    const event = sampleEvent(source, {});
    const record = source === 'schedule' ? event : records<unknown>(event)[0];
    const expected = fixture(SHAPES[source]) as Record<string, unknown>;
    if (source === 'dynamodb') {
      // Attribute names are the sample's own; the paths around them are compared.
      const outline = (value: unknown): string[] => shapeSet(value).filter((line) => !/(Keys|Image)\./.test(line));
      expect(outline(record)).toStrictEqual(outline(expected));
    } else if (source === 'sns') {
      // The default sample has no subject (null) and no attributes.
      const sns = expected['Sns'] as Record<string, unknown>;
      expect(shapeSet(record)).toStrictEqual(shapeSet({ ...expected, Sns: { ...sns, Subject: null, MessageAttributes: {} } }));
    } else {
      expect(shapeSet(record)).toStrictEqual(shapeSet(expected));
    }
  });

  it.each(SAMPLE_SOURCES)('%s: deterministic for a seed, different for another seed', (source) => {
    expect(sampleEvent(source, {})).toStrictEqual(sampleEvent(source, {}));
    expect(sampleEvent(source, { seed: 'other' })).not.toStrictEqual(sampleEvent(source, {}));
  });

  it('sqs: body, queue URL, attributes, region and account', () => {
    const [record] = records<SQSEvent['Records'][number]>(
      sampleEvent('sqs', {
        body: '{"orderId":1}',
        queue: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders',
        attribute: 'kind=order,count:Number=2,raw:Binary=AAEC',
        account: '123456789012',
      }),
    );
    expect(record).toMatchObject({
      body: '{"orderId":1}',
      md5OfBody: md5OfBody('{"orderId":1}'),
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:orders',
      awsRegion: 'eu-west-1',
      messageAttributes: {
        kind: { stringValue: 'order', dataType: 'String' },
        count: { stringValue: '2', dataType: 'Number' },
        raw: { binaryValue: 'AAEC', dataType: 'Binary' },
      },
    });
    expect(record?.md5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
  });

  it('sqs-fifo: group and deduplication ids (content-based by default)', () => {
    const [record] = records<SQSEvent['Records'][number]>(sampleEvent('sqs-fifo', { body: 'x', groupId: 'g-7' }));
    expect(record?.attributes).toMatchObject({
      MessageGroupId: 'g-7',
      MessageDeduplicationId: '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881',
    });
    expect(record?.attributes.SequenceNumber).toMatch(/^\d{20}$/);
  });

  it('kinesis: data is base64-encoded text; stream, shard and partition key', () => {
    const [record] = records<KinesisStreamEvent['Records'][number]>(
      sampleEvent('kinesis', { data: '{"n":1}', 'partition-key': 'p', stream: 'clicks', 'shard-id': 'shardId-000000000003' }),
    );
    expect(Buffer.from(record?.kinesis.data ?? '', 'base64').toString()).toBe('{"n":1}');
    expect(record?.kinesis.approximateArrivalTimestamp).toBe(1704067200.123);
    expect(record?.eventID).toMatch(/^shardId-000000000003:49\d{54}$/);
    expect(record?.eventSourceARN).toBe('arn:aws:kinesis:us-east-1:000000000000:stream/clicks');
  });

  it('dynamodb: MODIFY with wire keys and plain images; KEYS_ONLY; REMOVE', () => {
    const [modify] = records<DynamoDBStreamEvent['Records'][number]>(
      sampleEvent('dynamodb', {
        'event-name': 'MODIFY',
        keys: '{"pk":{"S":"a"}}',
        'new-image': '{"n":2}',
        'old-image': '{"n":1}',
        table: 'orders',
      }),
    );
    expect(modify?.dynamodb).toMatchObject({
      Keys: { pk: { S: 'a' } },
      NewImage: { pk: { S: 'a' }, n: { N: '2' } },
      OldImage: { pk: { S: 'a' }, n: { N: '1' } },
      SizeBytes: (2 + 1) + (2 + 1 + 1 + 2) * 2, // Keys pk="a"; each image pk="a", n=<one digit>
      ApproximateCreationDateTime: 1704067200,
    });
    expect(modify?.eventSourceARN).toBe('arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2024-01-01T00:00:00.123');
    const [keysOnly] = records<DynamoDBStreamEvent['Records'][number]>(sampleEvent('dynamodb', { 'view-type': 'KEYS_ONLY' }));
    expect(Object.keys(keysOnly?.dynamodb ?? {})).not.toContain('NewImage');
    const [removed] = records<DynamoDBStreamEvent['Records'][number]>(sampleEvent('dynamodb', { 'event-name': 'REMOVE' }));
    expect(Object.keys(removed?.dynamodb ?? {})).toStrictEqual(['ApproximateCreationDateTime', 'Keys', 'OldImage', 'SequenceNumber', 'SizeBytes', 'StreamViewType']);
  });

  it('s3: the key is encoded as S3 does; deletes carry no size or eTag', () => {
    const [put] = records<S3NotificationRecord>(sampleEvent('s3', { bucket: 'b', key: 'a b+c.txt', size: '7' }));
    expect(put?.s3.object).toMatchObject({ key: 'a+b%2Bc.txt', size: 7 });
    expect(put?.s3.bucket.arn).toBe('arn:aws:s3:::b');
    const [removed] = records<S3NotificationRecord>(sampleEvent('s3', { 'event-name': 's3:ObjectRemoved:Delete' }));
    expect(removed?.eventName).toBe('ObjectRemoved:Delete');
    expect(Object.keys(removed?.s3.object ?? {})).toStrictEqual(['key', 'sequencer']);
  });

  it('sns: message, subject and topic', () => {
    const [record] = records<SnsLambdaRecord>(sampleEvent('sns', { message: 'm', subject: 's', topic: 'alerts', region: 'eu-west-1' }));
    expect(record?.Sns).toMatchObject({ Message: 'm', Subject: 's', TopicArn: 'arn:aws:sns:eu-west-1:000000000000:alerts' });
    expect(record?.EventSubscriptionArn).toMatch(/^arn:aws:sns:eu-west-1:000000000000:alerts:[0-9a-f-]{36}$/);
    expect(record?.Sns.UnsubscribeUrl).toContain(record?.EventSubscriptionArn);
  });

  it('schedule: rule and time', () => {
    const event = sampleEvent('schedule', { rule: 'nightly', time: '2030-05-06T07:08:09.555Z' }) as ScheduledEvent;
    expect(event.time).toBe('2030-05-06T07:08:09Z');
    expect(event.resources).toStrictEqual(['arn:aws:events:us-east-1:000000000000:rule/nightly']);
  });

  it.each([
    ['sqs', { bodyy: 'x' }, /unknown flag --bodyy for "sqs" \(did you mean --body\?\); flags: --body/],
    ['kinesis', { body: 'x' }, /unknown flag --body for "kinesis"/],
    ['sqs', { queue: 'orders.fifo' }, /orders\.fifo is a FIFO queue: use "sqs-fifo"/],
    ['sqs-fifo', { queue: 'orders' }, /FIFO queue names end in \.fifo/],
    ['sqs', { attribute: 'novalue' }, /--attribute wants name=value/],
    ['dynamodb', { 'event-name': 'UPDATE' }, /--event-name must be one of INSERT, MODIFY, REMOVE, got "UPDATE"/],
    ['dynamodb', { 'old-image': '{"a":1}' }, /an INSERT has no old image/],
    ['dynamodb', { 'event-name': 'REMOVE', 'new-image': '{"a":1}' }, /a REMOVE has no new image/],
    ['dynamodb', { keys: '{id:1}' }, /--keys must be JSON/],
    ['dynamodb', { 'view-type': 'ALL' }, /--view-type must be one of/],
    ['s3', { 'event-name': 'ObjectRemoved:Delete', size: '1' }, /carry no object size/],
    ['s3', { size: '-1' }, /--size must be a whole number/],
    ['schedule', { time: 'tomorrow' }, /--time must be an ISO 8601 time/],
    ['schedule', { account: '42' }, /--account must be 12 digits/],
  ] as const)('%s %j: InvalidArgument %s', (source, flags, pattern) => {
    expect(() => sampleEvent(source, flags)).toThrow(expect.objectContaining({ code: 'InvalidArgument', message: expect.stringMatching(pattern) }));
  });

  it('rejects an unknown source', () => {
    expect(() => sampleEvent('sqss' as SampleSource, {})).toThrow(/unknown event source "sqss" \(did you mean sqs\?\)/);
  });
});

describe('sampleEventHelp', () => {
  it.each(SAMPLE_SOURCES)('%s: lists every flag it accepts with its default', (source) => {
    const help = sampleEventHelp(source);
    expect(help).toContain(`Usage: sluice events ${source} [flags]`);
    const flags = [...help.matchAll(/^ {2}--([a-z-]+) /gm)].map((match) => match[1] ?? '');
    expect(flags.length).toBeGreaterThan(4);
    for (const flag of flags) expect(() => sampleEvent(source, { [flag]: undefined })).not.toThrow();
    expect(help.split('\n').filter((line) => line.startsWith('  --')).every((line) => line.includes('(default: '))).toBe(true);
  });
});
