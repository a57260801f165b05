import { SqsRecordSchema, SqsSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { SluiceError } from '../../src/errors.js';
import { resolveSqsQueue, sqsQueueArn, sqsRecord } from '../../src/events/sqs.js';
import { expectExactJson, expectPowertoolsAccepts, fixture } from './shape.js';

const ctx = { queueArn: 'arn:aws:sqs:us-east-2:111122223333:orders', region: 'us-east-2' };

/** A standard-queue message as ReceiveMessage returns it (attributes in the SDK's arbitrary order, no digests). */
const standard: Message = {
  MessageId: '6f0e1c6a-3d5b-4b8e-9a1e-2c7f5d9b1a01',
  ReceiptHandle: 'AQEBsluiceReceiptHandleExample==',
  Body: 'Test message.',
  Attributes: {
    SenderId: 'AIDAEXAMPLESENDERID01',
    ApproximateFirstReceiveTimestamp: '1704067200130',
    SentTimestamp: '1704067200123',
    ApproximateReceiveCount: '1',
  },
};

const withAttributes: Message = {
  MessageId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  ReceiptHandle: 'AQEBsluiceReceiptHandleWithAttributes==',
  Body: '{"orderId":42}',
  Attributes: {
    DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-2:111122223333:orders',
    SentTimestamp: '1704067200123',
    ApproximateFirstReceiveTimestamp: '1704067200130',
    SenderId: 'AROAEXAMPLEROLEID0001:sender',
    AWSTraceHeader: 'Root=1-65920080-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=1',
    ApproximateReceiveCount: '3',
  },
  MessageAttributes: {
    attribName1: { DataType: 'String', StringValue: 'attribValue 1' },
    customNumberTypeAttrib: { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' },
    binaryAttribute: { DataType: 'Binary', BinaryValue: new TextEncoder().encode('Hello binary world!') },
  },
};

const fifo: Message = {
  MessageId: '11d6ee51-4cc7-4302-9e22-7cd8afdaadf5',
  ReceiptHandle: 'AQEBsluiceFifoReceiptHandle==',
  Body: 'Test message.',
  MD5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
  Attributes: {
    MessageDeduplicationId: 'order-42-created',
    MessageGroupId: 'customer-7',
    SequenceNumber: '18882939401234567890',
    ApproximateReceiveCount: '1',
    SentTimestamp: '1704067200123',
    SenderId: 'AIDAEXAMPLESENDERID01',
    ApproximateFirstReceiveTimestamp: '1704067200124',
  },
};

const cases = [
  { name: 'standard queue, digest computed', message: standard, ctx, expected: 'sqs-standard.json' },
  {
    name: 'message attributes, trace header and DLQ source, both digests computed',
    message: withAttributes,
    ctx: { ...ctx, queueArn: 'arn:aws:sqs:us-east-2:111122223333:orders-dlq' },
    expected: 'sqs-attributes.json',
  },
  {
    name: 'FIFO queue, digest as received',
    message: fifo,
    ctx: { ...ctx, queueArn: 'arn:aws:sqs:us-east-2:111122223333:orders.fifo' },
    expected: 'sqs-fifo.json',
  },
] as const;

describe('sqsRecord (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html)', () => {
  it.each(cases)('$name: exactly the documented record', ({ message, ctx: context, expected }) => {
    expectExactJson(sqsRecord(message, context), fixture(expected));
  });

  it.each(cases)('$name: accepted by the Powertools SQS schemas with no unknown key', ({ message, ctx: context }) => {
    const record = sqsRecord(message, context);
    expectPowertoolsAccepts(SqsRecordSchema, record);
    expectPowertoolsAccepts(SqsSchema, { Records: [record] });
  });

  it('the schema check notices a key Lambda does not deliver (the check can fail)', () => {
    const record = { ...sqsRecord(standard, ctx), receiveCount: 1 };
    expect(() => expectPowertoolsAccepts(SqsRecordSchema, record)).toThrow(/receiveCount/);
  });

  it('is typed as @types/aws-lambda SQSRecord', () => {
    expectTypeOf(sqsRecord).returns.toEqualTypeOf<SQSRecord>();
    expectTypeOf(sqsRecord).parameter(0).toEqualTypeOf<Message>();
  });

  it('keeps the digests SQS returned rather than recomputing them', () => {
    const record = sqsRecord({ ...withAttributes, MD5OfBody: 'b'.repeat(32), MD5OfMessageAttributes: 'a'.repeat(32) }, ctx);
    expect(record.md5OfBody).toBe('b'.repeat(32));
    expect(record.md5OfMessageAttributes).toBe('a'.repeat(32));
  });

  it('has no md5OfMessageAttributes key when the message has no attributes', () => {
    expect(Object.keys(sqsRecord({ ...standard, MessageAttributes: {} }, ctx))).not.toContain('md5OfMessageAttributes');
  });

  it('carries list values base64-encoded and keeps unknown future system attributes after the known ones', () => {
    const record = sqsRecord(
      {
        ...standard,
        Attributes: { ...standard.Attributes, ['FutureAttribute' as 'SenderId']: 'x' },
        MessageAttributes: {
          list: { DataType: 'String', StringListValues: ['a', 'b'], BinaryListValues: [Uint8Array.of(1, 2)] },
        },
      },
      ctx,
    );
    expect(Object.keys(record.attributes).at(-1)).toBe('FutureAttribute');
    expect(record.messageAttributes['list']).toStrictEqual({
      stringListValues: ['a', 'b'],
      binaryListValues: ['AQI='],
      dataType: 'String',
    });
  });

  const { SenderId: _senderId, ...withoutSenderId } = standard.Attributes ?? {};
  const rejected: readonly (readonly [string, Message, RegExp])[] = [
    ['MessageId', { ...standard, MessageId: undefined }, /has no MessageId/],
    ['ReceiptHandle', { ...standard, ReceiptHandle: undefined }, /has no ReceiptHandle/],
    ['Body', { ...standard, Body: undefined }, /has no Body/],
    ['SenderId', { ...standard, Attributes: withoutSenderId }, /lacks system attribute SenderId.*\['All'\]/],
    ['attribute DataType', { ...standard, MessageAttributes: { a: { DataType: undefined, StringValue: 'x' } } }, /no DataType/],
  ];
  it.each(rejected)('rejects a message without %s as MalformedRecord', (_field, message, pattern) => {
    const error = catchError(() => sqsRecord(message, ctx));
    expect(error).toBeInstanceOf(SluiceError);
    expect(error).toMatchObject({ code: 'MalformedRecord', retryable: false });
    expect((error as Error).message).toMatch(pattern);
  });
});

describe('resolveSqsQueue / sqsQueueArn', () => {
  it.each([
    ['orders', 'arn:aws:sqs:us-east-1:000000000000:orders', 'us-east-1'],
    ['arn:aws:sqs:eu-west-1:123456789012:orders', 'arn:aws:sqs:eu-west-1:123456789012:orders', 'eu-west-1'],
    ['https://sqs.us-east-2.amazonaws.com/123456789012/orders.fifo', 'arn:aws:sqs:us-east-2:123456789012:orders.fifo', 'us-east-2'],
    ['https://us-west-2.queue.amazonaws.com/123456789012/legacy', 'arn:aws:sqs:us-west-2:123456789012:legacy', 'us-west-2'],
    ['http://localhost:4566/000000000000/local', 'arn:aws:sqs:us-east-1:000000000000:local', 'us-east-1'],
    [
      'http://sqs.eu-central-1.localhost.localstack.cloud:4566/000000000000/ls',
      'arn:aws:sqs:eu-central-1:000000000000:ls',
      'eu-central-1',
    ],
    ['http://localhost:9324/queue/elastic', 'arn:aws:sqs:us-east-1:000000000000:elastic', 'us-east-1'],
    ['orders', 'arn:aws:sqs:us-east-1:000000000000:orders', 'us-east-1'],
    ['https://sqs.cn-north-1.amazonaws.com.cn/123456789012/cn', 'arn:aws-cn:sqs:cn-north-1:123456789012:cn', 'cn-north-1'],
  ])('%s -> %s', (input, arn, region) => {
    expect(sqsQueueArn(input, 'us-east-1', '000000000000')).toBe(arn);
    expect(resolveSqsQueue(input, 'us-east-1', '000000000000').region).toBe(region);
  });

  it.each(['', 'a/b', 'https://sqs.us-east-1.amazonaws.com/', 'arn:aws:sns:us-east-1:1:topic'])('rejects %j', (input) => {
    expect(() => sqsQueueArn(input, 'us-east-1', '000000000000')).toThrow(expect.objectContaining({ code: 'InvalidQueue' }));
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
