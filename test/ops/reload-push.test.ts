import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Invoker } from '../../src/invokers/invoker.js';
import { silentLogger } from '../../src/log.js';
import { startSluice } from '../../src/runtime/sluice.js';
import { postJson } from '../http/request.js';
import { lambdaS3Record, minioNotification } from '../push/s3-body.js';
import { recordingInvoker } from '../push/support.js';
import { makeMapping } from '../support/mapping.js';
import { createGatedInvoker, opsConfig, replayDir } from './support.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('Sluice.reload adds the first push mappings of a run that had none', () => {
  it.each([
    ['with no listener at all (ops endpoints off)', false],
    ['with the ops listener but no push runtime', true],
  ])('%s: the S3 webhook is served and invokes its function, the schedule fires', async (_, ops) => {
    const { dir, file } = await replayDir(5);
    // A replay held by its handler keeps the run going while the test reloads.
    const held = createGatedInvoker();
    const photosFn = recordingInvoker();
    const tickFn = recordingInvoker();
    const clicks = makeMapping({ name: 'clicks', function: 'clicks', source: { type: 'kinesis', stream: 'clicks', replay: file } });
    const sluice = await startSluice({
      config: opsConfig(dir, [clicks]),
      logger: silentLogger,
      mode: 'run',
      ops,
      env: {},
      invokers: new Map<string, Invoker>([
        ['clicks', held],
        ['photos', photosFn],
        ['tick', tickFn],
      ]),
    });
    cleanup.push(async () => {
      held.open();
      await sluice.shutdown(1_000);
      await rm(dir, { recursive: true, force: true });
    });
    expect(sluice.httpUrl === undefined).toBe(!ops);

    const photos = makeMapping({ name: 'photos', function: 'photos', maximumRetryAttempts: 0, source: { type: 's3', bucket: 'media', events: ['s3:ObjectCreated:*'] } });
    const tick = makeMapping({ name: 'tick', function: 'tick', maximumRetryAttempts: 0, source: { type: 'schedule', expression: 'rate(1 hour)', timezone: 'UTC' } });
    const plan = await sluice.reload(opsConfig(dir, [clicks, photos, tick]));
    expect(plan.add.map((m) => m.name)).toEqual(['photos', 'tick']);
    expect(sluice.mappings.map((h) => [h.mapping.name, h.state])).toEqual([
      ['clicks', 'Enabled'],
      ['photos', 'Enabled'],
      ['tick', 'Enabled'],
    ]);

    const url = sluice.httpUrl ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await postJson(`${url}/s3/photos`, minioNotification('media', 'cat.jpg'));
    expect(response.status).toBe(202);
    await photosFn.called(1);
    expect(photosFn.calls).toEqual([{ Records: [lambdaS3Record('media', 'cat.jpg')] }]);
    // A rate schedule without a start date fires at once.
    await tickFn.called(1);
    expect(tickFn.calls[0]).toMatchObject({ 'detail-type': 'Scheduled Event', resources: ['arn:aws:events:us-east-1:000000000000:rule/tick'] });
    if (ops) expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
