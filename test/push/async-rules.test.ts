import { afterEach, describe, expect, it } from 'vitest';
import type { Mapping, Source } from '../../src/config/types.js';
import type { DestinationSender } from '../../src/dispatch/destinations.js';
import { silentLogger } from '../../src/log.js';
import { startSluice, type Sluice, type SluiceOptions } from '../../src/runtime/sluice.js';
import { postJson } from '../http/request.js';
import { createFakeClock, type FakeClock } from '../support/fake-clock.js';
import { makeMapping } from '../support/mapping.js';
import { lambdaS3Record, minioNotification } from './s3-body.js';
import { deferred, fails, ok, pushConfig, recordingInvoker, type RecordingInvoker } from './support.js';

const FAILURE_QUEUE = 'arn:aws:sqs:us-east-1:000000000000:failures';
const SUCCESS_TOPIC = 'arn:aws:sns:us-east-1:000000000000:successes';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST';

/** A destination sender that keeps documents and lets a test wait for them. */
function destinations() {
  const sent: { destination: string; document: Record<string, unknown> }[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const send: DestinationSender = async (destination, document) => {
    sent.push({ destination, document: document as Record<string, unknown> });
    for (const w of [...waiters]) if (sent.length >= w.count) w.resolve();
  };
  const received = (count: number): Promise<void> =>
    sent.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }));
  return { sent, send, received };
}

function s3Mapping(overrides: Partial<Omit<Mapping, 'source'>> = {}, source: Partial<Extract<Source, { type: 's3' }>> = {}): Mapping {
  return makeMapping({
    name: 'uploads',
    maximumRetryAttempts: 2,
    maximumEventAgeInSeconds: 21_600,
    destinationConfig: { onFailure: { destination: FAILURE_QUEUE } },
    ...overrides,
    source: { type: 's3', bucket: 'uploads', events: ['s3:ObjectCreated:*'], ...source },
  });
}

let sluice: Sluice | undefined;
/** Gates a test opened on invocations: released after the test, so shutdown never waits on a held invocation. */
const gates: (() => void)[] = [];
afterEach(async () => {
  for (const release of gates.splice(0)) release();
  await sluice?.shutdown(100);
  sluice = undefined;
});
function gate(): { promise: Promise<void>; resolve: () => void } {
  const d = deferred();
  gates.push(() => d.resolve());
  return d;
}

async function start(mappings: Mapping[], invoker: RecordingInvoker, options: Partial<SluiceOptions> = {}): Promise<string> {
  sluice = await startSluice({
    config: pushConfig(mappings),
    logger: silentLogger,
    mode: 'run',
    env: {},
    invokers: new Map([['fn', invoker]]),
    ...options,
  });
  return sluice.httpUrl ?? '';
}

const event = { Records: [lambdaS3Record('uploads', 'a.txt')] };

describe("Lambda's asynchronous invocation rules for push events (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html)", () => {
  it('retries a function error twice, 1 then 2 minutes apart, then sends the exact on-failure record (RetriesExhausted)', async () => {
    const clock: FakeClock = createFakeClock();
    const invoker = recordingInvoker(() => fails('bad upload'));
    const dest = destinations();
    const url = await start([s3Mapping()], invoker, { clock, sendToDestination: dest.send });
    expect((await postJson(`${url}/s3/uploads`, minioNotification('uploads', 'a.txt'))).status).toBe(202);
    await invoker.called(1);
    await clock.sleeping(1);
    await clock.advance(59_999);
    expect(invoker.calls).toHaveLength(1);
    await clock.advance(1);
    await invoker.called(2);
    await clock.sleeping(1);
    await clock.advance(120_000);
    await dest.received(1);
    expect(invoker.calls).toEqual([event, event, event]);
    expect(clock.sleeps).toEqual([60_000, 120_000]);
    // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
    expect(dest.sent).toEqual([
      {
        destination: FAILURE_QUEUE,
        document: {
          version: '1.0',
          timestamp: new Date(clock.now()).toISOString(),
          requestContext: { requestId: 'req-failed', functionArn: FUNCTION_ARN, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
          requestPayload: event,
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: { errorType: 'Error', errorMessage: 'bad upload', trace: ['Error: boom'] },
        },
      },
    ]);
    const stats = sluice?.mappings[0]?.stats;
    expect(stats).toMatchObject({ records: 1, invocations: 3, functionErrors: 3, processed: 0, discarded: 1 });
  });

  it('uses injected retry delays (by retry number) and honours maximumRetryAttempts 0', async () => {
    const delays: number[] = [];
    const invoker = recordingInvoker(() => fails());
    const dest = destinations();
    const url = await start([s3Mapping(), s3Mapping({ name: 'once', maximumRetryAttempts: 0 }, { bucket: 'once' })], invoker, {
      sendToDestination: dest.send,
      push: { retryDelayMs: (retry) => (delays.push(retry), 1) },
    });
    await postJson(`${url}/s3/uploads`, minioNotification('uploads', 'a.txt'));
    await dest.received(1);
    expect(delays).toEqual([1, 2]);
    await postJson(`${url}/s3/once`, minioNotification('once', 'b.txt'));
    await dest.received(2);
    expect(dest.sent[1]?.document).toMatchObject({ requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 1 } });
    expect(invoker.calls).toHaveLength(4);
  });

  it('gives up with EventAgeExceeded once the event is older than maximumEventAgeInSeconds', async () => {
    const clock = createFakeClock();
    const invoker = recordingInvoker(() => fails());
    const dest = destinations();
    const url = await start([s3Mapping({ maximumEventAgeInSeconds: 90 })], invoker, { clock, sendToDestination: dest.send });
    await postJson(`${url}/s3/uploads`, minioNotification('uploads', 'a.txt'));
    await clock.run(dest.received(1));
    // Invoked at 0 s and 60 s; before the third attempt (180 s) the event is 180 s old.
    expect(invoker.calls).toHaveLength(2);
    expect(dest.sent[0]?.document).toMatchObject({
      requestContext: { condition: 'EventAgeExceeded', approximateInvokeCount: 2, functionArn: FUNCTION_ARN },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    });
  });

  it('sends the on-success record', async () => {
    const invoker = recordingInvoker(() => ok({ resized: true }));
    const dest = destinations();
    const url = await start([s3Mapping({ destinationConfig: { onSuccess: { destination: SUCCESS_TOPIC } } })], invoker, { sendToDestination: dest.send });
    await postJson(`${url}/s3/uploads`, minioNotification('uploads', 'a.txt'));
    await dest.received(1);
    expect(dest.sent[0]).toEqual({
      destination: SUCCESS_TOPIC,
      document: {
        version: '1.0',
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        requestContext: { requestId: 'req-ok', functionArn: FUNCTION_ARN, condition: 'Success', approximateInvokeCount: 1 },
        requestPayload: event,
        responseContext: { statusCode: 200, executedVersion: '$LATEST' },
        responsePayload: { resized: true },
      },
    });
    expect(sluice?.mappings[0]?.stats).toMatchObject({ processed: 1, discarded: 0 });
  });
});

describe('the bounded queue', () => {
  it('answers 429 (S3) and 503 (SNS) with Retry-After when full, and invokes every accepted event exactly once', async () => {
    const held = gate();
    const invoker = recordingInvoker(async () => {
      await held.promise;
      return ok();
    });
    const sns = makeMapping({
      name: 'orders',
      maximumRetryAttempts: 2,
      source: { type: 'sns', topic: 'orders', subscribe: false, rawMessageDelivery: false, verifySignatures: false, queueSize: 1 },
    });
    const url = await start([s3Mapping({}, { queueSize: 2 }), sns], invoker);
    const statuses: number[] = [];
    for (const key of ['k1', 'k2', 'k3', 'k4']) statuses.push((await postJson(`${url}/s3/uploads`, minioNotification('uploads', key))).status);
    expect(statuses).toEqual([202, 202, 429, 429]);
    const full = await postJson(`${url}/s3/uploads`, minioNotification('uploads', 'k5'));
    expect(full.headers['retry-after']).toBe('5');

    const snsMessage = (id: string) => ({
      Type: 'Notification',
      MessageId: id,
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:orders',
      Message: id,
      Timestamp: '2024-05-01T10:00:00.000Z',
      SignatureVersion: '1',
      Signature: 'unchecked',
      SigningCertURL: 'https://sns.us-east-1.amazonaws.com/x.pem',
      UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
    });
    expect((await postJson(`${url}/sns/orders`, snsMessage('m1'))).status).toBe(202);
    const refused = await postJson(`${url}/sns/orders`, snsMessage('m2'));
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBeDefined();

    held.resolve();
    await invoker.called(3);
    // Once the queue has room again, a retried delivery is accepted.
    await waitUntil(() => (sluice?.mappings[0]?.stats.processed ?? 0) === 2);
    expect((await postJson(`${url}/s3/uploads`, minioNotification('uploads', 'k3'))).status).toBe(202);
    await invoker.called(4);
    const keys = invoker.calls.map((e) => JSON.stringify(e));
    expect(keys.filter((k) => k.includes('"key":"k1"'))).toHaveLength(1);
    expect(keys.filter((k) => k.includes('"key":"k2"'))).toHaveLength(1);
    expect(keys.filter((k) => k.includes('"key":"k3"'))).toHaveLength(1);
    expect(keys.filter((k) => k.includes('"Message":"m1"'))).toHaveLength(1);
    expect(keys.some((k) => k.includes('"key":"k4"') || k.includes('"Message":"m2"'))).toBe(false);
  });

  it('refuses new events with 503 while shutting down, and drains the accepted ones first', async () => {
    const held = gate();
    const invoker = recordingInvoker(async () => {
      await held.promise;
      return ok();
    });
    const url = await start([s3Mapping()], invoker);
    expect((await postJson(`${url}/s3/uploads`, minioNotification('uploads', 'first'))).status).toBe(202);
    await invoker.called(1);
    const current = sluice;
    const stopped = current?.shutdown(60_000);
    const during = await postJson(`${url}/s3/uploads`, minioNotification('uploads', 'late'));
    expect(during.status).toBe(503);
    expect(JSON.parse(during.body)).toMatchObject({ error: 'ShuttingDown' });
    held.resolve();
    await stopped;
    expect(current?.mappings[0]?.stats).toMatchObject({ records: 1, processed: 1, abandoned: 0 });
    expect(invoker.calls).toHaveLength(1);
  });

  it('while others drain, a mapping that already stopped answers 503, not 404 (senders drop a 404)', async () => {
    const held = gate();
    const invoker = recordingInvoker(async () => {
      await held.promise;
      return ok();
    });
    const photos = s3Mapping({ name: 'photos' }, { bucket: 'photos' });
    const url = await start([s3Mapping(), photos], invoker);
    expect((await postJson(`${url}/s3/uploads`, minioNotification('uploads', 'first'))).status).toBe(202);
    await invoker.called(1);
    const current = sluice;
    const stopped = current?.shutdown(60_000);
    // photos had nothing queued: it has stopped, while uploads still drains its held event.
    await current?.mappings.find((m) => m.mapping.name === 'photos')?.done;
    for (const path of ['/s3/photos', '/s3']) {
      const late = await postJson(`${url}${path}`, minioNotification('photos', 'late'));
      expect({ path, status: late.status, error: (JSON.parse(late.body) as { error?: string }).error }).toEqual({
        path,
        status: 503,
        error: 'ShuttingDown',
      });
    }
    held.resolve();
    await stopped;
    expect(invoker.calls).toHaveLength(1);
  });

  it('logs an event still waiting to retry when the grace period ends as lost (counted as abandoned)', async () => {
    const clock = createFakeClock();
    const invoker = recordingInvoker(() => fails());
    const url = await start([s3Mapping()], invoker, { clock });
    await postJson(`${url}/s3/uploads`, minioNotification('uploads', 'a.txt'));
    await invoker.called(1);
    await clock.sleeping(1);
    const current = sluice;
    await current?.shutdown(10);
    expect(current?.mappings[0]?.stats).toMatchObject({ records: 1, invocations: 1, abandoned: 1, discarded: 0 });
  });
});

/** Polls a condition each macrotask (no timers): for counters updated just after an awaited call. */
async function waitUntil(condition: () => boolean, rounds = 1_000): Promise<void> {
  for (let i = 0; i < rounds; i += 1) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not met');
}
