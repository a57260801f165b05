import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { md5OfBody, md5OfMessageAttributes } from '../../src/events/sqs-md5.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('md5OfBody', () => {
  it.each([
    // The Lambda developer guide's SQS sample: body "Test message." with the md5OfBody SQS returned.
    ['Test message.', 'e4e68fb7bd0e697a0ae8f1bb342846b3'],
    // RFC 1321 test suite.
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    // UTF-8, not UTF-16: "é" is c3 a9.
    ['é', '66ddcd97cfdeabb2f6fb8a999b4bc76f'],
  ])('%j -> %s', (body, digest) => {
    expect(md5OfBody(body)).toBe(digest);
  });
});

/**
 * Vectors for the documented algorithm
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation),
 * with the digests SQS returns for them (as published by the aws-md5-of-message-attributes
 * package, and by LocalStack's ReceiveMessage serializer test).
 */
const vectors: readonly (readonly [string, Record<string, MessageAttributeValue>, string])[] = [
  ['one String attribute', { attribName1: { DataType: 'String', StringValue: 'attribValue 1' } }, '19e27d4e946b072f3f58da80d94fd778'],
  [
    'a custom Number type',
    { customNumberTypeAttrib: { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' } },
    '9fe1b90bbd9965bdf77bac517c7d2495',
  ],
  ['one Binary attribute', { binaryAttribute: { DataType: 'Binary', BinaryValue: text('Hello binary world!') } }, '31a92b15d92f8db860eda32aceb656c3'],
  [
    'three attributes',
    {
      attribName1: { DataType: 'String', StringValue: 'attribValue 1' },
      customNumberTypeAttrib: { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' },
      binaryAttribute: { DataType: 'Binary', BinaryValue: text('Hello binary world!') },
    },
    'c932db14a896c663f83c260297d594ff',
  ],
  [
    'two String attributes given out of order',
    { Hello: { DataType: 'String', StringValue: 'There' }, General: { DataType: 'String', StringValue: 'Kenobi' } },
    'fca026605781cb4126a1e9044df24232',
  ],
];

const attributeValue: fc.Arbitrary<MessageAttributeValue> = fc.oneof(
  fc.record({ DataType: fc.constantFrom('String', 'Number', 'String.custom'), StringValue: fc.string({ minLength: 1 }) }),
  fc.record({ DataType: fc.constantFrom('Binary', 'Binary.png'), BinaryValue: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
);
const attributeName = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,15}$/);

describe('md5OfMessageAttributes', () => {
  it.each(vectors)('%s', (_name, attributes, digest) => {
    expect(md5OfMessageAttributes(attributes)).toBe(digest);
  });

  it('does not depend on the order attributes were added in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(attributeName, attributeValue), { selector: ([name]) => name, maxLength: 10 }), (entries) => {
        const reversed = Object.fromEntries([...entries].reverse());
        expect(md5OfMessageAttributes(Object.fromEntries(entries))).toBe(md5OfMessageAttributes(reversed));
      }),
    );
  });

  it('changes when any name, type or value changes', () => {
    const base = { a: { DataType: 'String', StringValue: 'x' } };
    const digests = new Set([
      md5OfMessageAttributes(base),
      md5OfMessageAttributes({ b: { DataType: 'String', StringValue: 'x' } }),
      md5OfMessageAttributes({ a: { DataType: 'Number', StringValue: 'x' } }),
      md5OfMessageAttributes({ a: { DataType: 'String', StringValue: 'y' } }),
      md5OfMessageAttributes({ a: { DataType: 'String', BinaryValue: text('x') } }),
    ]);
    expect(digests.size).toBe(5);
  });

  it.each([
    ['no DataType', { a: { DataType: undefined, StringValue: 'x' } }, /"a" has no DataType/],
    ['no value', { a: { DataType: 'String' } }, /"a" \(String\) has no value/],
  ] as const)('rejects an attribute with %s', (_case, attributes, pattern) => {
    expect(() => md5OfMessageAttributes(attributes)).toThrow(pattern);
  });
});
