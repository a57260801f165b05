import type { S3Source } from '../config/types.js';
import { decodeS3Key, type S3NotificationRecord } from '../events/s3.js';

/**
 * True when a record's event name is one of the notification configuration's event types.
 * Configurations name types with an `s3:` prefix and may end in `:*` (`s3:ObjectCreated:*`
 * matches `ObjectCreated:Put`, `ObjectCreated:CompleteMultipartUpload`, ...); records carry the
 * name without the prefix. Either side may or may not carry the prefix here.
 *
 * @example
 * ```json
 * [["s3:ObjectCreated:*", "ObjectCreated:Put", true], ["s3:ObjectCreated:Put", "ObjectCreated:Copy", false],
 *  ["s3:ObjectRemoved:*", "ObjectCreated:Put", false], ["s3:ReducedRedundancyLostObject", "ReducedRedundancyLostObject", true]]
 * ```
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
 */
export function s3EventTypeMatches(configured: string, eventName: string): boolean {
  const type = configured.replace(/^s3:/, '');
  const name = eventName.replace(/^s3:/, '');
  if (type.endsWith(':*')) return name.startsWith(type.slice(0, -1)) && name.length > type.length - 1;
  return name === type;
}

/**
 * True when a (decoded) object key passes the configuration's key filter rules: it starts
 * with `prefix` and ends with `suffix` (case-sensitive; an absent rule matches every key).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
 */
export function s3KeyMatches(filter: S3Source['filter'], key: string): boolean {
  return key.startsWith(filter?.prefix ?? '') && key.endsWith(filter?.suffix ?? '');
}

/**
 * The records of a notification that the mapping's notification configuration takes: the
 * mapping's bucket, one of its event types, and keys passing its filter rules (applied to the
 * decoded key, as S3 matches the object's key name, not its URL-encoded form).
 */
export function matchS3Records(
  source: Pick<S3Source, 'bucket' | 'events' | 'filter'>,
  records: readonly S3NotificationRecord[],
): S3NotificationRecord[] {
  return records.filter(
    (record) =>
      record.s3.bucket.name === source.bucket &&
      source.events.some((type) => s3EventTypeMatches(type, record.eventName)) &&
      s3KeyMatches(source.filter, decodeS3Key(record.s3.object.key)),
  );
}
