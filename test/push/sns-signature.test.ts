import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSnsHttpMessage } from '../../src/events/sns.js';
import { createSnsSignatureVerifier, isAllowedCertificateUrl, snsServiceHost, snsStringToSign } from '../../src/push/sns-signature.js';
import {
  confirmation,
  createSigningIdentity,
  notification,
  signSnsMessage,
  startCertificateServer,
  type CertificateServer,
  type SigningIdentity,
} from './sns-signing.js';

describe('snsStringToSign (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html)', () => {
  it.each([
    [
      'Notification with Subject',
      notification('https://x/c.pem'),
      'Message\nHello world!\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nMy First Message\nTimestamp\n2024-05-02T00:54:06.655Z\nTopicArn\narn:aws:sns:us-east-1:000000000000:orders\nType\nNotification\n',
    ],
    [
      'Notification without Subject',
      (() => {
        const { Subject: _omit, ...rest } = notification('https://x/c.pem');
        return rest;
      })(),
      'Message\nHello world!\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nTimestamp\n2024-05-02T00:54:06.655Z\nTopicArn\narn:aws:sns:us-east-1:000000000000:orders\nType\nNotification\n',
    ],
    [
      'SubscriptionConfirmation',
      { ...confirmation('https://x/c.pem', 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription'), Token: 'tok', Message: 'm' },
      'Message\nm\nMessageId\n165545c9-2a5c-472c-8df2-7ff2be2b3b1b\nSubscribeURL\nhttps://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription\nTimestamp\n2024-05-02T00:54:06.655Z\nToken\ntok\nTopicArn\narn:aws:sns:us-east-1:000000000000:orders\nType\nSubscriptionConfirmation\n',
    ],
  ])('%s', (_what, body, expected) => {
    const message = parseSnsHttpMessage({ ...body, SignatureVersion: '1', Signature: 'x' });
    expect(snsStringToSign(message)).toBe(expected);
  });
});

describe('isAllowedCertificateUrl', () => {
  const hosts = [snsServiceHost('us-east-1')];
  it.each([
    ['https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem', true],
    ['https://SNS.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem', true],
    ['http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem', false],
    ['https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-abc.pem', false],
    ['https://evil.example/sns.us-east-1.amazonaws.com/x.pem', false],
    ['https://user@sns.us-east-1.amazonaws.com/x.pem', false],
    ['https://sns.us-east-1.amazonaws.com/not-a-certificate', false],
    ['not a url', false],
  ])('%s: %s', (url, expected) => {
    expect(isAllowedCertificateUrl(url, hosts)).toBe(expected);
  });
  it('knows the China partition host', () => {
    expect(snsServiceHost('cn-north-1')).toBe('sns.cn-north-1.amazonaws.com.cn');
  });
});

describe('createSnsSignatureVerifier against a loopback https certificate server', () => {
  let identity: SigningIdentity;
  let server: CertificateServer;
  beforeAll(async () => {
    identity = createSigningIdentity();
    server = await startCertificateServer(identity);
  });
  afterAll(async () => {
    await server.close();
  });
  const verifier = () => createSnsSignatureVerifier({ certificateHosts: ['localhost'], ca: identity.cert });
  const parse = (body: Record<string, string>) => parseSnsHttpMessage(body);

  it.each(['1', '2'] as const)('accepts a Notification and a SubscriptionConfirmation signed with SignatureVersion %s', async (version) => {
    const v = verifier();
    const url = server.certUrl('localhost');
    await expect(v.verify(parse(signSnsMessage(notification(url), identity.key, version)))).resolves.toEqual({ valid: true });
    await expect(v.verify(parse(signSnsMessage(confirmation(url, 'https://sns.us-east-1.amazonaws.com/?x'), identity.key, version)))).resolves.toEqual({
      valid: true,
    });
  });

  it.each([
    ['Message', 'Hello world?'],
    ['Subject', 'Another subject'],
    ['Timestamp', '2024-05-02T00:54:06.656Z'],
    ['TopicArn', 'arn:aws:sns:us-east-1:000000000000:other'],
    ['MessageId', '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf325'],
  ])('rejects a signed Notification whose %s was changed', async (field, value) => {
    const signed = signSnsMessage(notification(server.certUrl('localhost')), identity.key, '2');
    const verdict = await verifier().verify(parse({ ...signed, [field]: value }));
    expect(verdict).toEqual({ valid: false, reason: 'the signature does not match the message' });
  });

  it('rejects a SubscriptionConfirmation whose SubscribeURL was changed', async () => {
    const signed = signSnsMessage(confirmation(server.certUrl('localhost'), 'https://sns.us-east-1.amazonaws.com/?a'), identity.key, '1');
    const verdict = await verifier().verify(parse({ ...signed, SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?b' }));
    expect(verdict.valid).toBe(false);
  });

  it('rejects a Notification signed with SHA1 but labelled version 2, and unknown versions', async () => {
    const url = server.certUrl('localhost');
    const signed = signSnsMessage(notification(url), identity.key, '1');
    expect((await verifier().verify(parse({ ...signed, SignatureVersion: '2' }))).valid).toBe(false);
    expect(await verifier().verify(parse({ ...signed, SignatureVersion: '3' }))).toMatchObject({ valid: false, reason: expect.stringMatching(/unsupported/) });
  });

  it('never fetches a certificate from a host that is not allowed', async () => {
    const before = server.requests.length;
    const v = verifier();
    const signed = signSnsMessage(notification(server.certUrl('127.0.0.1')), identity.key, '2');
    const verdict = await v.verify(parse(signed));
    expect(verdict).toMatchObject({ valid: false, reason: expect.stringMatching(/not an https \.pem URL on an allowed host/) });
    expect(server.requests.length).toBe(before);
    expect(v.fetched).toEqual([]);
  });

  it('fetches each certificate URL once and caches it', async () => {
    const before = server.requests.length;
    const v = verifier();
    const url = server.certUrl('localhost');
    for (const message of ['a', 'b', 'c']) {
      await expect(v.verify(parse(signSnsMessage(notification(url, { Message: message }), identity.key, '2')))).resolves.toEqual({ valid: true });
    }
    expect(server.requests.length - before).toBe(1);
  });

  it('reports a certificate that cannot be fetched (404) and does not cache the failure', async () => {
    const v = verifier();
    const missing = server.certUrl('localhost').replace('test.pem', 'missing.pem');
    const signed = signSnsMessage(notification(missing), identity.key, '2');
    expect(await v.verify(parse(signed))).toMatchObject({ valid: false, reason: expect.stringMatching(/answered 404/) });
    await v.verify(parse(signed));
    expect(v.fetched).toEqual([missing, missing]);
  });

  it('rejects a certificate served by a server the verifier does not trust', async () => {
    const untrusting = createSnsSignatureVerifier({ certificateHosts: ['localhost'] });
    const signed = signSnsMessage(notification(server.certUrl('localhost')), identity.key, '2');
    expect(await untrusting.verify(parse(signed))).toMatchObject({ valid: false, reason: expect.stringMatching(/certificate/) });
  });
});
