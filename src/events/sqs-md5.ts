import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { SluiceError } from '../errors.js';

/**
 * The MD5 digests SQS returns with a message: `MD5OfBody` and
 * `MD5OfMessageAttributes`, computed exactly as SQS computes them so that a
 * message from an emulator (or a replay file) that lacks them still gets the
 * values Lambda would deliver.
 */

/**
 * MD5 hex digest of the UTF-8 message body (SQS's `MD5OfBody`).
 *
 * @example
 * ```json
 * { "body": "Test message.", "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3" }
 * ```
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Message.html
 */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/** Transport type bytes of the message attribute digest. */
const TransportType = {
  string: 1,
  binary: 2,
  stringList: 3,
  binaryList: 4,
} as const;

/**
 * MD5 hex digest of message attributes (SQS's `MD5OfMessageAttributes`).
 *
 * The documented algorithm: sort the attributes by name; for each, append the
 * name, the data type, one transport-type byte (1 for a string value, 2 for a
 * binary value) and the value, where every name, type and value is preceded by
 * its length as a 4-byte big-endian integer and strings are UTF-8; then MD5
 * the whole buffer. The list value kinds (reserved by SQS, never returned)
 * use transport types 3 and 4 with each element length-prefixed.
 *
 * @example
 * ```json
 * {
 *   "attributes": { "attribName1": { "DataType": "String", "StringValue": "attribValue 1" } },
 *   "md5OfMessageAttributes": "19e27d4e946b072f3f58da80d94fd778"
 * }
 * ```
 * @throws SluiceError `MalformedRecord` when an attribute has no data type or no value.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation
 */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, MessageAttributeValue>>): string {
  const chunks: Buffer[] = [];
  const names = Object.keys(attributes).sort(compareCodeUnits);
  for (const name of names) {
    const attribute = attributes[name];
    if (attribute === undefined) continue;
    const dataType = attribute.DataType;
    if (dataType === undefined || dataType === '') {
      throw new SluiceError('MalformedRecord', `SQS message attribute "${name}" has no DataType`);
    }
    pushLengthPrefixed(chunks, Buffer.from(name, 'utf8'));
    pushLengthPrefixed(chunks, Buffer.from(dataType, 'utf8'));
    if (attribute.StringValue !== undefined) {
      chunks.push(Buffer.of(TransportType.string));
      pushLengthPrefixed(chunks, Buffer.from(attribute.StringValue, 'utf8'));
    } else if (attribute.BinaryValue !== undefined) {
      chunks.push(Buffer.of(TransportType.binary));
      pushLengthPrefixed(chunks, Buffer.from(attribute.BinaryValue));
    } else if (attribute.StringListValues !== undefined && attribute.StringListValues.length > 0) {
      chunks.push(Buffer.of(TransportType.stringList));
      for (const value of attribute.StringListValues) pushLengthPrefixed(chunks, Buffer.from(value, 'utf8'));
    } else if (attribute.BinaryListValues !== undefined && attribute.BinaryListValues.length > 0) {
      chunks.push(Buffer.of(TransportType.binaryList));
      for (const value of attribute.BinaryListValues) pushLengthPrefixed(chunks, Buffer.from(value));
    } else {
      throw new SluiceError('MalformedRecord', `SQS message attribute "${name}" (${dataType}) has no value`);
    }
  }
  return createHash('md5').update(Buffer.concat(chunks)).digest('hex');
}

function pushLengthPrefixed(chunks: Buffer[], bytes: Buffer): void {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length, 0);
  chunks.push(length, bytes);
}

/** Ordinal (UTF-16 code unit) order, as SQS sorts attribute names; never locale-aware. */
function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
