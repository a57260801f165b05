import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mapping } from '../../src/config/types.js';
import { silentLogger } from '../../src/log.js';
import { startSluice, type Sluice } from '../../src/runtime/sluice.js';
import { postJson, send } from '../http/request.js';
import { makeMapping } from '../support/mapping.js';
import { lambdaS3Record, minioNotification } from './s3-body.js';
import { pushConfig, recordingInvoker, type RecordingInvoker } from './support.js';

function s3Mapping(name: string, bucket: string, filter?: { prefix?: string; suffix?: string }, events = ['s3:ObjectCreated:*']): Mapping {
  return makeMapping({
    name,
    maximumRetryAttempts: 2,
    source: { type: 's3', bucket, events, ...(filter ? { filter } : {}) },
  });
}

describe('POST /s3 and /s3/<mapping> (S3-compatible webhooks)', () => {
  let sluice: Sluice;
  let base: string;
  let invoker: RecordingInvoker;

  beforeAll(async () => {
    invoker = recordingInvoker();
    sluice = await startSluice({
      config: pushConfig([
        s3Mapping('photos', 'media', { prefix: 'my photos/', suffix: '.jpg' }),
        s3Mapping('deletes', 'media', undefined, ['s3:ObjectRemoved:*']),
        s3Mapping('docs', 'documents'),
      ]),
      logger: silentLogger,
      mode: 'run',
      env: {},
      invokers: new Map([['fn', invoker]]),
    });
    base = sluice.httpUrl ?? '';
  });
  afterAll(async () => {
    await sluice.shutdown(1_000);
  });

  const stats = (name: string) => sluice.mappings.find((m) => m.mapping.name === name)?.stats;

  it('invokes with the S3 event Lambda delivers: prefix dropped, key re-encoded as S3 does, server extras removed', async () => {
    const before = invoker.calls.length;
    // MinIO encodes a space as %20; S3 (and Lambda's event) encodes it as "+".
    const response = await postJson(`${base}/s3/photos`, minioNotification('media', 'my%20photos/cat%201.jpg'));
    expect(response.status).toBe(202);
    await invoker.called(before + 1);
    expect(invoker.calls[before]).toEqual({ Records: [lambdaS3Record('media', 'my+photos/cat+1.jpg')] });
  });

  it('acknowledges s3:TestEvent (200) without invoking', async () => {
    const before = invoker.calls.length;
    const testEvent = { Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2024-05-01T10:00:00.000Z', Bucket: 'media', RequestId: 'R', HostId: 'H' };
    for (const path of ['/s3/photos', '/s3']) {
      const response = await postJson(`${base}${path}`, testEvent);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ testEvent: true });
    }
    expect(invoker.calls.length).toBe(before);
  });

  it.each([
    ['a key outside the prefix', 'other/cat.jpg', 's3:ObjectCreated:Put'],
    ['a key with another suffix', 'my%20photos/cat.png', 's3:ObjectCreated:Put'],
    ['an event type not configured', 'my%20photos/cat.jpg', 's3:ObjectRemoved:Delete'],
  ])('acknowledges %s as filtered (200) without invoking', async (_what, key, eventName) => {
    const before = invoker.calls.length;
    const filteredBefore = stats('photos')?.filtered ?? 0;
    const response = await postJson(`${base}/s3/photos`, minioNotification('media', key, eventName));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ accepted: false, filtered: true });
    expect(invoker.calls.length).toBe(before);
    expect(stats('photos')?.filtered).toBe(filteredBefore + 1);
  });

  it('POST /s3 hands the notification to every mapping of its bucket, each applying its own rules', async () => {
    const before = invoker.calls.length;
    expect((await postJson(`${base}/s3`, minioNotification('media', 'my%20photos/x.jpg', 's3:ObjectRemoved:Delete'))).status).toBe(202);
    await invoker.called(before + 1);
    expect(invoker.calls[before]).toMatchObject({ Records: [{ eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: 'media' } } }] });
    expect((await postJson(`${base}/s3`, minioNotification('documents', 'a.pdf'))).status).toBe(202);
    await invoker.called(before + 2);
  });

  it.each([
    ['an unknown bucket on /s3', '/s3', JSON.stringify(minioNotification('nobody', 'a.txt')), 404],
    ['an unknown mapping', '/s3/nobody', JSON.stringify(minioNotification('media', 'a.txt')), 404],
    ['malformed JSON', '/s3/photos', '{"Records":[', 400],
    ['a body that is not an S3 notification', '/s3/photos', '{"Records":[{"eventName":"x"}]}', 400],
    ['an empty Records array', '/s3', '{"Records":[]}', 400],
    ['an SNS envelope on a mapping without via.topic', '/s3/photos', JSON.stringify({ Type: 'Notification', TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: '{}' }), 400],
  ])('answers %s with %i', async (_what, path, body, status) => {
    expect((await send(`${base}${path}`, { method: 'POST', body })).status).toBe(status);
  });

  it('answers 405 to GET', async () => {
    expect((await send(`${base}/s3/photos`)).status).toBe(405);
  });
});
