import { SnsRecordSchema, SnsSchema } from '@aws-lambda-powertools/parser/schemas/sns';
import type { SNSEventRecord, SNSMessage } from 'aws-lambda';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  parseSnsHttpMessage,
  snsRecord,
  type SnsHttpMessage,
  type SnsHttpNotification,
  type SnsLambdaRecord,
} from '../../src/events/sns.js';
import { expectExactJson, expectPowertoolsAccepts, fixture } from './shape.js';

const subscriptionArn = 'arn:aws:sns:us-east-2:111122223333:alerts:0b6d1f0e-2c4a-4f7e-9d3b-5a8c7e6f1d2a';

/** An HTTP(S) Notification body, keys in the order SNS sends them (https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html). */
const httpNotification = {
  Type: 'Notification',
  MessageId: '3f1c9a7e-5b2d-5e8f-a1c4-9d7b6e5f4a3b',
  TopicArn: 'arn:aws:sns:us-east-2:111122223333:alerts',
  Subject: 'Disk almost full',
  Message: '{"host":"db-1","used":0.93}',
  Timestamp: '2024-01-01T00:00:00.123Z',
  SignatureVersion: '2',
  Signature: 'c2x1aWNlLWZpeHR1cmUtc2lnbmF0dXJl',
  SigningCertURL: 'https://sns.us-east-2.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem',
  UnsubscribeURL: `https://sns.us-east-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
  MessageAttributes: { priority: { Type: 'Number', Value: '1' }, raw: { Type: 'Binary', Value: 'AAEC' } },
};

const confirmation = {
  Type: 'SubscriptionConfirmation',
  MessageId: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
  Token: '2336412f37fb687f5d51e6e2425c464de',
  TopicArn: 'arn:aws:sns:us-east-2:111122223333:alerts',
  Message: 'You have chosen to subscribe to the topic arn:aws:sns:us-east-2:111122223333:alerts.',
  SubscribeURL: 'https://sns.us-east-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-2:111122223333:alerts&Token=2336412f37fb687f5d51e6e2425c464de',
  Timestamp: '2024-01-01T00:00:00.000Z',
  SignatureVersion: '1',
  Signature: 'c2x1aWNlLWNvbmZpcm1hdGlvbg==',
  SigningCertURL: 'https://sns.us-east-2.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem',
};

describe('snsRecord (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html)', () => {
  it('is exactly the documented record: ...Url not ...URL, attributes kept', () => {
    const notification = parseSnsHttpMessage(JSON.stringify(httpNotification));
    expect(notification.Type).toBe('Notification');
    expectExactJson(snsRecord(notification as SnsHttpNotification, { subscriptionArn }), fixture('sns.json'));
  });

  it('delivers "Subject": null and "MessageAttributes": {} when the body has neither', () => {
    const { Subject: _subject, MessageAttributes: _attributes, ...bare } = httpNotification;
    const record = snsRecord(parseSnsHttpMessage(bare) as SnsHttpNotification, { subscriptionArn });
    expect(record.Sns.Subject).toBeNull();
    expect(record.Sns.MessageAttributes).toStrictEqual({});
    expect(Object.keys(record.Sns)).toStrictEqual(Object.keys((fixture('sns.json') as SnsLambdaRecord).Sns));
  });

  it('is accepted by the Powertools SNS schemas with no unknown key', () => {
    const record = snsRecord(parseSnsHttpMessage(httpNotification) as SnsHttpNotification, { subscriptionArn });
    expectPowertoolsAccepts(SnsRecordSchema, record);
    expectPowertoolsAccepts(SnsSchema, { Records: [record] });
  });

  it('is typed as @types/aws-lambda SNSEventRecord, with Subject string | null', () => {
    expectTypeOf(snsRecord).returns.toEqualTypeOf<SnsLambdaRecord>();
    expectTypeOf<SnsLambdaRecord['Sns']['Subject']>().toEqualTypeOf<string | null>();
    expectTypeOf<Omit<SnsLambdaRecord['Sns'], 'Subject'>>().toEqualTypeOf<Omit<SNSMessage, 'Subject' | 'Token'>>();
    expectTypeOf<Omit<SnsLambdaRecord, 'Sns'>>().toEqualTypeOf<Omit<SNSEventRecord, 'Sns'>>();
  });
});

describe('parseSnsHttpMessage (https://docs.aws.amazon.com/sns/latest/dg/http-header.html)', () => {
  it.each([
    ['Notification', httpNotification],
    ['SubscriptionConfirmation', confirmation],
    ['UnsubscribeConfirmation', { ...confirmation, Type: 'UnsubscribeConfirmation' }],
  ])('parses a %s body given as text, Buffer or object', (type, body) => {
    for (const form of [JSON.stringify(body), Buffer.from(JSON.stringify(body)), body]) {
      const message: SnsHttpMessage = parseSnsHttpMessage(form);
      expect(message.Type).toBe(type);
      expect(message).toStrictEqual(body);
    }
  });

  it.each([
    ['not JSON', 'Type=Notification', /SNS HTTP message: body is not JSON/],
    ['an unknown Type', { ...httpNotification, Type: 'Other' }, /Type must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation, got "Other"/],
    ['no MessageId', { ...httpNotification, MessageId: undefined }, /MessageId must be a string, got nothing/],
    ['a bad Timestamp', { ...httpNotification, Timestamp: 'noon' }, /Timestamp must be an ISO 8601 time, got "noon"/],
    ['no UnsubscribeURL', { ...httpNotification, UnsubscribeURL: undefined }, /UnsubscribeURL must be a string/],
    ['a Lambda-style key instead', { ...httpNotification, UnsubscribeURL: undefined, UnsubscribeUrl: 'https://x' }, /UnsubscribeURL must be a string/],
    ['a bad attribute', { ...httpNotification, MessageAttributes: { a: { Type: 'String' } } }, /MessageAttributes\.a\.Value must be a string/],
    ['no Token on a confirmation', { ...confirmation, Token: undefined }, /Token must be a string/],
  ])('rejects %s with a clear MalformedRecord error', (_case, body, pattern) => {
    expect(() => parseSnsHttpMessage(body)).toThrow(expect.objectContaining({ code: 'MalformedRecord', message: expect.stringMatching(pattern) }));
  });
});
