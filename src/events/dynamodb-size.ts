import type { WireAttributeValue, WireImage } from './dynamodb-attributes.js';

/**
 * DynamoDB's item size rules, used to give sample stream records a realistic
 * `SizeBytes` (the size of the record's `Keys` plus its images).
 *
 * Attribute names count their UTF-8 bytes; strings their UTF-8 bytes; binary
 * its bytes; numbers 1 byte plus 1 per two significant digits; `BOOL` and
 * `NULL` 1 byte; sets the sum of their elements; lists and maps 3 bytes plus
 * 1 byte per element plus their elements (and, for maps, element names).
 *
 * @example
 * ```json
 * { "Keys": { "Id": { "N": "101" } }, "NewImage": { "Message": { "S": "New item!" }, "Id": { "N": "101" } }, "SizeBytes": 26 }
 * ```
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export function dynamodbImageSize(image: Readonly<WireImage>): number {
  let size = 0;
  for (const [name, value] of Object.entries(image)) size += utf8(name) + valueSize(value);
  return size;
}

function valueSize(value: WireAttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return Buffer.from(value.B, 'base64').length;
  if (value.SS !== undefined) return value.SS.reduce((sum, item) => sum + utf8(item), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, item) => sum + numberSize(item), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, item) => sum + Buffer.from(item, 'base64').length, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, item) => sum + 1 + valueSize(item), 0);
  if (value.M !== undefined) {
    return 3 + Object.entries(value.M).reduce((sum, [name, item]) => sum + 1 + utf8(name) + valueSize(item), 0);
  }
  return 1;
}

function numberSize(text: string): number {
  const digits = text.replace(/^[-+]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return 1 + Math.ceil(Math.max(digits.length, 1) / 2);
}

function utf8(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
