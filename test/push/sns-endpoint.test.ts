import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mapping, SnsSource } from '../../src/config/types.js';
import { silentLogger } from '../../src/log.js';
import { startSluice, type Sluice } from '../../src/runtime/sluice.js';
import { postJson, send } from '../http/request.js';
import { makeMapping } from '../support/mapping.js';
import {
  confirmation,
  createSigningIdentity,
  notification,
  signSnsMessage,
  startCertificateServer,
  TOPIC_ARN,
  type CertificateServer,
  type SigningIdentity,
} from './sns-signing.js';
import { pushConfig, recordingInvoker, type RecordingInvoker } from './support.js';

/** A loopback http server recording the URLs it is asked for. */
async function startRecorder(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/xml' }).end('<ConfirmSubscriptionResponse/>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function snsMapping(name: string, source: Partial<SnsSource> = {}): Mapping {
  return makeMapping({
    name,
    function: 'fn',
    maximumRetryAttempts: 2,
    source: { type: 'sns', topic: 'orders', subscribe: false, rawMessageDelivery: false, verifySignatures: true, ...source },
  });
}

describe('POST /sns/<mapping> with signature verification', () => {
  let identity: SigningIdentity;
  let certs: CertificateServer;
  let snsApi: Awaited<ReturnType<typeof startRecorder>>;
  let elsewhere: Awaited<ReturnType<typeof startRecorder>>;
  let invoker: RecordingInvoker;
  let sluice: Sluice;
  let base: string;

  beforeAll(async () => {
    identity = createSigningIdentity();
    certs = await startCertificateServer(identity);
    snsApi = await startRecorder();
    elsewhere = await startRecorder();
    invoker = recordingInvoker();
    sluice = await startSluice({
      // The configured endpoint plays SNS: SubscribeURLs on its origin may be visited.
      config: pushConfig([snsMapping('orders'), snsMapping('raw-orders', { rawMessageDelivery: true })], {
        endpoint: snsApi.url,
        sns: { certificateHosts: ['localhost'] },
      }),
      logger: silentLogger,
      mode: 'run',
      env: {},
      invokers: new Map([['fn', invoker]]),
      push: { certificateCa: identity.cert, retryDelayMs: () => 1 },
    });
    base = sluice.httpUrl ?? '';
  });
  afterAll(async () => {
    await sluice.shutdown(1_000);
    await Promise.all([certs.close(), snsApi.close(), elsewhere.close()]);
  });

  const signed = (overrides: Record<string, string> = {}, version: '1' | '2' = '1') =>
    signSnsMessage(notification(certs.certUrl('localhost'), overrides), identity.key, version);

  it('turns a signed Notification into the SNS event Lambda delivers, acknowledged with 202', async () => {
    const before = invoker.calls.length;
    const body = signed();
    const response = await postJson(`${base}/sns/orders`, body, {
      'content-type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-subscription-arn': `${TOPIC_ARN}:c9135db0-26c4-47ec-8998-413945fb5a96`,
    });
    expect(response.status).toBe(202);
    await invoker.called(before + 1);
    expect(invoker.calls[before]).toEqual({
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: `${TOPIC_ARN}:c9135db0-26c4-47ec-8998-413945fb5a96`,
          Sns: {
            Type: 'Notification',
            MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
            TopicArn: TOPIC_ARN,
            Subject: 'My First Message',
            Message: 'Hello world!',
            Timestamp: '2024-05-02T00:54:06.655Z',
            SignatureVersion: '1',
            Signature: body['Signature'],
            SigningCertUrl: certs.certUrl('localhost'),
            UnsubscribeUrl: body['UnsubscribeURL'],
            MessageAttributes: {},
          },
        },
      ],
    });
  });

  it.each([
    ['a tampered Message', { Message: 'Hello world?' }],
    ['a tampered Subject', { Subject: 'changed' }],
    ['a tampered Timestamp', { Timestamp: '2024-05-02T00:54:07.655Z' }],
  ])('answers 403 to %s and invokes nothing', async (_what, change) => {
    const before = invoker.calls.length;
    const response = await postJson(`${base}/sns/orders`, { ...signed({}, '2'), ...change });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'InvalidSignature' });
    expect(invoker.calls.length).toBe(before);
  });

  it('answers 403 to a certificate URL on a host that is not allowed, without fetching it', async () => {
    const before = certs.requests.length;
    const body = signSnsMessage(notification(certs.certUrl('127.0.0.1')), identity.key, '2');
    expect((await postJson(`${base}/sns/orders`, body)).status).toBe(403);
    expect(certs.requests.length).toBe(before);
  });

  it('answers 403 to a correctly signed message from another topic', async () => {
    const response = await postJson(`${base}/sns/orders`, signed({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:payments' }));
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'UnexpectedTopic' });
  });

  it.each([
    ['malformed JSON', '{"Type":', 400],
    ['an invalid SNS message', JSON.stringify({ Type: 'Notification', Message: 'x' }), 400],
    ['an unknown Type', JSON.stringify({ ...notification('https://localhost/x.pem'), Type: 'Other', SignatureVersion: '1', Signature: 'x' }), 400],
  ])('answers %s with %i', async (_what, body, status) => {
    expect((await send(`${base}/sns/orders`, { method: 'POST', body })).status).toBe(status);
  });

  it('answers 413 to a body over the SNS limit (256 KiB message plus envelope)', async () => {
    const response = await postJson(`${base}/sns/orders`, signed({ Message: 'x'.repeat(700 * 1024) }));
    expect(response.status).toBe(413);
  });

  it('answers 404 for an unknown mapping', async () => {
    expect((await postJson(`${base}/sns/nope`, signed())).status).toBe(404);
  });

  it('confirms a subscription by visiting a SubscribeURL on the configured endpoint', async () => {
    const subscribeUrl = `${snsApi.url}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC_ARN)}&Token=abc`;
    const body = signSnsMessage(confirmation(certs.certUrl('localhost'), subscribeUrl), identity.key, '1');
    const response = await postJson(`${base}/sns/orders`, body, { 'x-amz-sns-message-type': 'SubscriptionConfirmation' });
    expect(response.status).toBe(200);
    expect(snsApi.requests).toContain(`/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC_ARN)}&Token=abc`);
  });

  it('never visits a SubscribeURL on another origin (403)', async () => {
    const body = signSnsMessage(confirmation(certs.certUrl('localhost'), `${elsewhere.url}/?Action=ConfirmSubscription&Token=abc`), identity.key, '2');
    const response = await postJson(`${base}/sns/orders`, body);
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'SubscribeUrlNotAllowed' });
    expect(elsewhere.requests).toEqual([]);
  });

  it('acknowledges an UnsubscribeConfirmation without visiting anything', async () => {
    const before = snsApi.requests.length;
    const body = signSnsMessage(confirmation(certs.certUrl('localhost'), `${snsApi.url}/?Action=ConfirmSubscription`, 'UnsubscribeConfirmation'), identity.key, '2');
    expect((await postJson(`${base}/sns/orders`, body)).status).toBe(200);
    expect(snsApi.requests.length).toBe(before);
  });

  const rawHeaders = {
    'x-amz-sns-message-type': 'Notification',
    'x-amz-sns-rawdelivery': 'true',
    'x-amz-sns-message-id': 'f0d2c9a0-0000-4000-8000-000000000001',
    'x-amz-sns-topic-arn': TOPIC_ARN,
    'x-amz-sns-subscription-arn': `${TOPIC_ARN}:raw-sub`,
  };

  it('builds the SNS record from headers for a raw delivery on a raw mapping', async () => {
    const before = invoker.calls.length;
    const response = await send(`${base}/sns/raw-orders`, { method: 'POST', body: '{"orderId":42}', headers: rawHeaders });
    expect(response.status).toBe(202);
    await invoker.called(before + 1);
    expect(invoker.calls[before]).toMatchObject({
      Records: [
        {
          EventSource: 'aws:sns',
          EventSubscriptionArn: `${TOPIC_ARN}:raw-sub`,
          Sns: { Type: 'Notification', MessageId: rawHeaders['x-amz-sns-message-id'], TopicArn: TOPIC_ARN, Subject: null, Message: '{"orderId":42}', MessageAttributes: {} },
        },
      ],
    });
  });

  it('refuses an unsigned raw delivery on a mapping that verifies signatures without raw delivery', async () => {
    const response = await send(`${base}/sns/orders`, { method: 'POST', body: 'raw', headers: rawHeaders });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'UnsignedMessage' });
  });
});
