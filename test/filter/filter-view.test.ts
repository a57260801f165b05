import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { createFilterViewer, filterView } from '../../src/filter/filter-view.js';
import { dynamodbRecord, kinesisRecord, kinesisRecordRaw, pipelineRecord, sqsRecord } from './record-factory.js';

describe('filterView', () => {
  // https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html: metadata is added after filtering.
  it('SQS: the record without eventSource, eventSourceARN, awsRegion; a JSON-object body parsed', () => {
    const record = sqsRecord({ RequestCode: 'AAAA', nested: { list: [1, 2] } });
    expect(filterView(record)).toEqual({
      messageId: record.event['messageId'],
      receiptHandle: record.event['receiptHandle'],
      body: { RequestCode: 'AAAA', nested: { list: [1, 2] } },
      attributes: record.event['attributes'],
      messageAttributes: {},
      md5OfBody: record.event['md5OfBody'],
    });
  });

  it.each([
    { name: 'a plain string', body: 'Hello' },
    { name: 'a JSON array', body: '[{"a":1}]' },
    { name: 'a JSON number', body: '42' },
    { name: 'a JSON string', body: '"quoted"' },
    { name: 'null', body: 'null' },
    { name: 'broken JSON', body: '{"a":' },
    { name: 'an empty body', body: '' },
  ])('SQS: a body that is $name stays the plain string', ({ body }) => {
    expect((filterView(sqsRecord(body)) as Record<string, unknown>)['body']).toBe(body);
  });

  it('SQS: leading whitespace before a JSON object is allowed', () => {
    expect((filterView(sqsRecord(' \n\t{"a": 1}')) as Record<string, unknown>)['body']).toEqual({ a: 1 });
  });

  it('Kinesis: the kinesis fields at the top level, data decoded and parsed; record metadata invisible', () => {
    const record = kinesisRecord({ Location: 'Los Angeles' });
    expect(filterView(record)).toEqual({
      kinesisSchemaVersion: '1.0',
      partitionKey: '1',
      sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
      approximateArrivalTimestamp: 1545084650.987,
      data: { Location: 'Los Angeles' },
    });
  });

  it.each([
    { name: 'plain text', data: Buffer.from('Hello, this is a test.').toString('base64') },
    { name: 'a JSON array', data: Buffer.from('[1]').toString('base64') },
    { name: 'not base64 JSON', data: '%%%' },
  ])('Kinesis: data that is $name is absent from the view', ({ data }) => {
    const view = filterView(kinesisRecordRaw(data)) as Record<string, unknown>;
    expect(view).not.toHaveProperty('data');
    expect(view['partitionKey']).toBe('1');
  });

  it('Kinesis: a record without a kinesis object has an empty view', () => {
    expect(filterView(pipelineRecord('kinesis', { eventSource: 'aws:kinesis' }))).toEqual({});
  });

  it('DynamoDB: the record without eventSource, eventSourceARN, awsRegion, eventVersion', () => {
    const record = dynamodbRecord({ NewImage: { status: { S: 'active' } } }, { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } });
    expect(filterView(record)).toEqual({
      eventID: '1',
      eventName: 'INSERT',
      dynamodb: record.event['dynamodb'],
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    });
  });

  it.each(['s3', 'sns', 'schedule'] as const)('%s: the record as is', (source) => {
    const record = pipelineRecord(source, { eventSource: `aws:${source}`, awsRegion: 'eu-west-1', detail: { a: 1 } });
    expect(filterView(record)).toBe(record.event);
  });

  it('does not change the record', () => {
    const record = sqsRecord({ a: 1 });
    const before = JSON.stringify(record.event);
    filterView(record);
    expect(JSON.stringify(record.event)).toBe(before);
  });
});

describe('createFilterViewer without data decoding', () => {
  it('SQS keeps the body text, Kinesis leaves data out', () => {
    expect(createFilterViewer('sqs', false)(sqsRecord({ a: 1 }))['body']).toBe('{"a":1}');
    expect(createFilterViewer('kinesis', false)(kinesisRecord({ a: 1 }))).not.toHaveProperty('data');
  });
});
