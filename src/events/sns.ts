import type { SNSEventRecord, SNSMessage, SNSMessageAttributes } from 'aws-lambda';
import { createReader, parseJsonBody, type JsonObject } from './validate.js';

/** Fields every SNS HTTP(S) delivery body has. */
interface SnsHttpBase {
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Message: string;
  readonly Timestamp: string;
  readonly SignatureVersion: string;
  readonly Signature: string;
  readonly SigningCertURL: string;
}

/** An SNS HTTP(S) `Notification` body (`Subject` absent when the publisher set none). */
export interface SnsHttpNotification extends SnsHttpBase {
  readonly Type: 'Notification';
  readonly Subject?: string;
  readonly UnsubscribeURL: string;
  readonly MessageAttributes?: Readonly<Record<string, { readonly Type: string; readonly Value: string }>>;
}

/** An SNS HTTP(S) `SubscriptionConfirmation` body: visit `SubscribeURL` to confirm. */
export interface SnsHttpSubscriptionConfirmation extends SnsHttpBase {
  readonly Type: 'SubscriptionConfirmation';
  readonly Token: string;
  readonly SubscribeURL: string;
}

/** An SNS HTTP(S) `UnsubscribeConfirmation` body. */
export interface SnsHttpUnsubscribeConfirmation extends SnsHttpBase {
  readonly Type: 'UnsubscribeConfirmation';
  readonly Token: string;
  readonly SubscribeURL: string;
}

/** The three kinds of body SNS POSTs to an HTTP(S) endpoint, told apart by `Type`. */
export type SnsHttpMessage = SnsHttpNotification | SnsHttpSubscriptionConfirmation | SnsHttpUnsubscribeConfirmation;

/**
 * `Sns` of Lambda's record: `@types/aws-lambda`'s `SNSMessage`, except that
 * `Subject` is always present and `null` when unset, as Lambda delivers it.
 */
export type SnsLambdaMessage = Omit<SNSMessage, 'Subject' | 'Token'> & { Subject: string | null };

/** The SNS record Lambda delivers (see {@link SnsLambdaMessage}). */
export type SnsLambdaRecord = Omit<SNSEventRecord, 'Sns'> & { Sns: SnsLambdaMessage };

export interface SnsRecordContext {
  /** The subscription ARN (`<topic ARN>:<subscription id>`). */
  readonly subscriptionArn: string;
}

/**
 * The SNS record Lambda delivers for a notification, from the HTTP(S) body:
 * `SigningCertURL` / `UnsubscribeURL` become `SigningCertUrl` /
 * `UnsubscribeUrl`, `Subject` is `null` when absent and `MessageAttributes`
 * is `{}` when absent.
 *
 * @example
 * ```json
 * {
 *   "EventSource": "aws:sns",
 *   "EventVersion": "1.0",
 *   "EventSubscriptionArn": "arn:aws:sns:us-east-1:123456789012:alerts:21be56ed-a058-49f5-8c98-aedd2564c486",
 *   "Sns": {
 *     "Type": "Notification",
 *     "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
 *     "TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts",
 *     "Subject": null,
 *     "Message": "Hello from SNS!",
 *     "Timestamp": "2019-01-02T12:45:07.000Z",
 *     "SignatureVersion": "1",
 *     "Signature": "tcc6faL2yUC6dgZdmrwh1Y4cGa/ebXEkAi6RibDsvpi+tE/1+82j...65r==",
 *     "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-ac565b8b1a6c5d002d285f9598aa1d9b.pem",
 *     "UnsubscribeUrl": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:123456789012:alerts:21be56ed-a058-49f5-8c98-aedd2564c486",
 *     "MessageAttributes": {}
 *   }
 * }
 * ```
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html
 */
export function snsRecord(notification: SnsHttpNotification, ctx: SnsRecordContext): SnsLambdaRecord {
  const attributes: SNSMessageAttributes = {};
  for (const [name, attribute] of Object.entries(notification.MessageAttributes ?? {})) {
    attributes[name] = { Type: attribute.Type, Value: attribute.Value };
  }
  return {
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: ctx.subscriptionArn,
    Sns: {
      Type: notification.Type,
      MessageId: notification.MessageId,
      TopicArn: notification.TopicArn,
      Subject: notification.Subject ?? null,
      Message: notification.Message,
      Timestamp: notification.Timestamp,
      SignatureVersion: notification.SignatureVersion,
      Signature: notification.Signature,
      SigningCertUrl: notification.SigningCertURL,
      UnsubscribeUrl: notification.UnsubscribeURL,
      MessageAttributes: attributes,
    },
  };
}

const reader = createReader('SNS HTTP message');

/**
 * Validates a body SNS POSTs to an HTTP(S) endpoint (a JSON string, Buffer or
 * parsed object) and returns it typed by its `Type`.
 *
 * @example
 * ```json
 * {
 *   "Type": "Notification",
 *   "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
 *   "TopicArn": "arn:aws:sns:us-west-2:123456789012:MyTopic",
 *   "Subject": "My First Message",
 *   "Message": "Hello world!",
 *   "Timestamp": "2012-05-02T00:54:06.655Z",
 *   "SignatureVersion": "1",
 *   "Signature": "EXAMPLEw6JRN...",
 *   "SigningCertURL": "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
 *   "UnsubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-west-2:123456789012:MyTopic:c9135db0-26c4-47ec-8998-413945fb5a96"
 * }
 * ```
 * @throws SluiceError `MalformedRecord` naming the first missing or invalid field.
 * @see https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/http-subscription-confirmation-json.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/http-unsubscribe-confirmation-json.html
 */
export function parseSnsHttpMessage(body: unknown): SnsHttpMessage {
  const message = reader.object(parseJsonBody(body, 'SNS HTTP message'), 'body');
  const type = message['Type'];
  const base: SnsHttpBase = {
    MessageId: reader.string(message, 'MessageId', ''),
    TopicArn: reader.string(message, 'TopicArn', ''),
    Message: reader.string(message, 'Message', ''),
    Timestamp: timestamp(message),
    SignatureVersion: reader.string(message, 'SignatureVersion', ''),
    Signature: reader.string(message, 'Signature', ''),
    SigningCertURL: reader.string(message, 'SigningCertURL', ''),
  };
  switch (type) {
    case 'Notification': {
      const subject = reader.optionalString(message, 'Subject', '');
      const attributes = messageAttributes(message);
      return {
        Type: type,
        ...base,
        ...(subject !== undefined ? { Subject: subject } : {}),
        UnsubscribeURL: reader.string(message, 'UnsubscribeURL', ''),
        ...(attributes !== undefined ? { MessageAttributes: attributes } : {}),
      };
    }
    case 'SubscriptionConfirmation':
    case 'UnsubscribeConfirmation':
      return {
        Type: type,
        ...base,
        Token: reader.string(message, 'Token', ''),
        SubscribeURL: reader.string(message, 'SubscribeURL', ''),
      };
    default:
      return reader.fail('Type', 'must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation', type);
  }
}

function timestamp(message: JsonObject): string {
  const value = reader.string(message, 'Timestamp', '');
  if (Number.isNaN(Date.parse(value))) reader.fail('Timestamp', 'must be an ISO 8601 time', value);
  return value;
}

function messageAttributes(message: JsonObject): Record<string, { Type: string; Value: string }> | undefined {
  const attributes = reader.optionalObject(message, 'MessageAttributes', '');
  if (attributes === undefined) return undefined;
  const result: Record<string, { Type: string; Value: string }> = {};
  for (const [name, value] of Object.entries(attributes)) {
    const path = `MessageAttributes.${name}`;
    const attribute = reader.object(value, path);
    result[name] = { Type: reader.string(attribute, 'Type', path), Value: reader.string(attribute, 'Value', path) };
  }
  return result;
}
