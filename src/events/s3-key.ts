import { SluiceError } from '../errors.js';

/**
 * Object keys in S3 event notifications are URL-encoded the way
 * `application/x-www-form-urlencoded` encodes (a space becomes `+`), except
 * that `/` is left as is: "red flower.jpg" arrives as "red+flower.jpg", and
 * "a/b c+d.txt" as "a/b+c%2Bd.txt".
 *
 * Left unencoded: `A-Z a-z 0-9 . - _ *` (the form-encoding unreserved set) and
 * `/`. Everything else is percent-encoded as UTF-8 bytes with upper-case hex.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */

const UNRESERVED = /^[A-Za-z0-9._*/-]$/;

/**
 * A raw object key as it appears in `s3.object.key`.
 *
 * @example
 * ```json
 * { "key": "photos/my photo (1).jpg", "encoded": "photos/my+photo+%281%29.jpg" }
 * ```
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export function encodeS3Key(key: string): string {
  let encoded = '';
  for (const char of key) {
    if (char === ' ') encoded += '+';
    else if (UNRESERVED.test(char)) encoded += char;
    else for (const byte of Buffer.from(char, 'utf8')) encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/**
 * The raw object key from an encoded `s3.object.key` (`+` is a space), as a
 * handler must decode it before calling S3.
 *
 * @example
 * ```json
 * { "encoded": "photos/my+photo+%281%29.jpg", "key": "photos/my photo (1).jpg" }
 * ```
 * @throws SluiceError `MalformedRecord` when the key has a broken `%` escape.
 */
export function decodeS3Key(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch (err) {
    throw new SluiceError('MalformedRecord', `S3 object key is not URL-encoded: ${JSON.stringify(encoded)}`, { cause: err });
  }
}
