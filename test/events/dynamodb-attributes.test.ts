import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fromWireAttributeValue,
  fromWireImage,
  isWireImage,
  marshallPlain,
  toWireAttributeValue,
  toWireImage,
  type SdkAttributeValue,
  type WireImage,
} from '../../src/events/dynamodb-attributes.js';
import { dynamodbImageSize } from '../../src/events/dynamodb-size.js';

const number = fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String);
const sdkValue: fc.Arbitrary<SdkAttributeValue> = fc.letrec<{ value: SdkAttributeValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string().map((S) => ({ S })),
    number.map((N) => ({ N })),
    fc.uint8Array({ maxLength: 16 }).map((B) => ({ B })),
    fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 4 }).map((SS) => ({ SS })),
    fc.uniqueArray(number, { minLength: 1, maxLength: 4 }).map((NS) => ({ NS })),
    fc.array(fc.uint8Array({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }).map((BS) => ({ BS })),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true }),
    fc.array(tie('value'), { maxLength: 3 }).map((L) => ({ L })),
    fc.dictionary(fc.string({ minLength: 1 }), tie('value'), { maxKeys: 3, noNullPrototype: true }).map((M) => ({ M })),
  ),
})).value;

describe('DynamoDB AttributeValues in wire JSON form', () => {
  it('round-trips SDK values through wire JSON text', () => {
    fc.assert(
      fc.property(sdkValue, (value) => {
        const wire = JSON.parse(JSON.stringify(toWireAttributeValue(value))) as unknown;
        expect(fromWireAttributeValue(wire)).toStrictEqual(value);
      }),
    );
  });

  it('writes binary as base64', () => {
    expect(toWireImage({ b: { B: Uint8Array.of(0, 1, 42, 65) }, bs: { BS: [Uint8Array.of(65, 42, 1, 0)] } })).toStrictEqual({
      b: { B: 'AAEqQQ==' },
      bs: { BS: ['QSoBAA=='] },
    });
  });

  it.each([
    ['a non-object', 'x', /must be an object/],
    ['two type keys', { S: 'a', N: '1' }, /exactly one type key/],
    ['an unknown type', { X: 'a' }, /unknown type key "X"/],
    ['a number N', { N: 1 }, /value\.N must be a string/],
    ['bad base64', { B: 'not base64!' }, /must be base64/],
    ['a non-boolean BOOL', { BOOL: 'true' }, /must be a boolean/],
    ['a bad list member', { L: [{ S: 1 }] }, /value\.L\[0\]\.S must be a string/],
  ])('rejects %s naming the path', (_case, value, pattern) => {
    expect(() => fromWireAttributeValue(value)).toThrow(expect.objectContaining({ code: 'MalformedRecord', message: expect.stringMatching(pattern) }));
  });

  it('tells wire images from plain JSON', () => {
    expect(isWireImage({ id: { S: '1' }, n: { N: '2' } })).toBe(true);
    expect(isWireImage({ id: '1' })).toBe(false);
    expect(isWireImage({ id: { S: '1', N: '2' } })).toBe(false);
    expect(isWireImage({ nested: { name: 'x' } })).toBe(false);
    expect(fromWireImage({ id: { S: '1' } })).toStrictEqual({ id: { S: '1' } });
  });

  it('marshalls plain JSON', () => {
    expect(marshallPlain({ s: 'x', n: 1.5, b: true, z: null, l: [1], m: { k: 'v' } })).toStrictEqual({
      M: { s: { S: 'x' }, n: { N: '1.5' }, b: { BOOL: true }, z: { NULL: true }, l: { L: [{ N: '1' }] }, m: { M: { k: { S: 'v' } } } },
    });
    expect(() => marshallPlain({ bad: Number.NaN })).toThrow(/value\.bad must be a finite number/);
  });
});

describe('dynamodbImageSize (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html)', () => {
  const keys: WireImage = { Id: { N: '101' } };
  const first: WireImage = { Message: { S: 'New item!' }, Id: { N: '101' } };
  const changed: WireImage = { Message: { S: 'This item has changed' }, Id: { N: '101' } };

  // SizeBytes of the Lambda developer guide's DynamoDB Streams sample records (INSERT 26, MODIFY 59, REMOVE 38).
  it.each([
    ['INSERT', [keys, first], 26],
    ['MODIFY', [keys, changed, first], 59],
    ['REMOVE', [keys, changed], 38],
  ] as const)('gives the SizeBytes AWS reports for a sample %s record', (_event, images, size) => {
    expect(images.reduce((sum, image) => sum + dynamodbImageSize(image), 0)).toBe(size);
  });

  const sized: readonly (readonly [WireImage, number])[] = [
    [{ n: { N: '0.000100' } }, 1 + 2],
    [{ n: { N: '-12345' } }, 1 + 4],
    [{ b: { B: 'AAEqQQ==' } }, 1 + 4],
    [{ t: { BOOL: true }, z: { NULL: true } }, 2 + 2],
    [{ l: { L: [{ S: 'ab' }, { N: '1' }] } }, 1 + 3 + (1 + 2) + (1 + 2)],
    [{ m: { M: { k: { S: 'ab' } } } }, 1 + 3 + (1 + 1 + 2)],
    [{ ss: { SS: ['a', 'bc'] } }, 2 + 3],
  ];
  it.each(sized)('sizes %j as %d bytes', (image, size) => {
    expect(dynamodbImageSize(image)).toBe(size);
  });
});
