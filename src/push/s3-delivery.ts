import { parseS3Notification, type S3NotificationRecord } from '../events/s3.js';
import { SluiceError } from '../errors.js';

/** What a notification message carried: records, or S3's `s3:TestEvent`. */
export type S3Delivery =
  | { readonly kind: 'records'; readonly records: readonly S3NotificationRecord[] }
  | { readonly kind: 'test' };

/**
 * True when a parsed JSON body is an SNS envelope (`Type`, `TopicArn` and a string `Message`),
 * as SNS wraps a message it delivers to a queue without raw delivery, or POSTs to HTTP.
 */
export function isSnsEnvelope(value: unknown): value is { Type: string; TopicArn: string; Message: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    (v['Type'] === 'Notification' || v['Type'] === 'SubscriptionConfirmation' || v['Type'] === 'UnsubscribeConfirmation') &&
    typeof v['TopicArn'] === 'string' &&
    typeof v['Message'] === 'string'
  );
}

/**
 * The S3 notification in a message body, as S3 puts it into an SQS queue directly
 * (`{"Records":[...]}` or the test event) or through an SNS topic the queue subscribes to
 * (an SNS envelope whose `Message` is that JSON, unless the subscription has raw delivery).
 * @throws SluiceError `MalformedRecord` when the body is neither.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-sqs-as-subscriber.html
 */
export function unwrapS3Message(body: string, region: string): S3Delivery {
  let document: unknown;
  try {
    document = JSON.parse(body) as unknown;
  } catch (err) {
    throw new SluiceError('MalformedRecord', 'S3 notification message is not JSON', { cause: err });
  }
  if (isSnsEnvelope(document)) {
    if (document.Type !== 'Notification') throw new SluiceError('MalformedRecord', `SNS ${document.Type} message where an S3 notification was expected`);
    return unwrapS3Notification(document.Message, region);
  }
  return toDelivery(parseS3Notification(document, { region }));
}

/** The S3 notification in an SNS message's `Message` (a JSON string). */
export function unwrapS3Notification(message: string, region: string): S3Delivery {
  return toDelivery(parseS3Notification(message, { region }));
}

function toDelivery(parsed: ReturnType<typeof parseS3Notification>): S3Delivery {
  return 'testEvent' in parsed ? { kind: 'test' } : { kind: 'records', records: parsed };
}
