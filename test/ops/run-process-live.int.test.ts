/**
 * `sluice run` as a process against a real queue (ElasticMQ): metrics change as messages flow,
 * disable stops consumption and enable resumes it without loss, an invalid reload keeps the
 * running config, and SIGTERM mid-batch loses nothing (in-flight batches finish, messages not
 * yet processed are released at once).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useEmulator } from '../harness/index.js';
import { createQueue, drain, queueDepth, queueName, sendMessages, sqsClient } from '../pollers/sqs/sqs-kit.js';
import { linesOf, metricSample, spawnSluice } from './sluice-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'test/support/sluice-cli.ts');
/** tsx's loader by path: the process runs in the test's own directory, outside the repository. */
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const MESSAGES = 100;

describe('sluice run as a process, on ElasticMQ', () => {
  const emulator = useEmulator('elasticmq');
  let sqs: SQSClient;
  let dir: string;
  beforeAll(async () => {
    sqs = sqsClient(emulator());
    dir = await mkdtemp(join(tmpdir(), 'sluice-ops-live-'));
    // Each batch takes a while, so the run lasts long enough to steer it.
    await writeFile(
      join(dir, 'orders.mjs'),
      `import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  await new Promise((r) => setTimeout(r, Number(process.env.DELAY_MS)));
  appendFileSync(process.env.OUT, event.Records.map((r) => r.body).join('\\n') + '\\n');
  return {};
};
`,
    );
  });
  afterAll(async () => {
    sqs.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const config = (queue: string, batchSize: number): string => `region: us-east-1
account: "000000000000"
endpoint: ${emulator().endpoint}
stateDir: ${JSON.stringify(join(dir, 'state'))}
http: { host: 127.0.0.1, port: 0 }
functions:
  orders:
    handler: ./orders.handler
    timeout: 10
    environment: { OUT: ${JSON.stringify(join(dir, 'out.txt'))}, DELAY_MS: "250" }
mappings:
  - name: orders
    function: orders
    source: { type: sqs, queue: ${queue}, waitTimeSeconds: 1 }
    batchSize: ${batchSize}
    scalingConfig: { maximumConcurrency: 2 }
`;
  const handled = (): string[] => linesOf(join(dir, 'out.txt'));

  const metric = async (url: string, name: string): Promise<number> => (await metricSample(url, `${name}{mapping="orders"`)) ?? 0;

  it('metrics rise, disable/enable lose nothing, an invalid reload keeps the config, SIGTERM mid-batch loses nothing', { timeout: 120_000 }, async () => {
    const queue = await createQueue(sqs, queueName('process'), { VisibilityTimeout: '30' });
    const bodies = Array.from({ length: MESSAGES }, (_, i) => `m${i}`);
    await sendMessages(sqs, queue.url, bodies.map((body) => ({ body })));
    await writeFile(join(dir, 'sluice.yaml'), config(queue.name, 2));
    const sluice = spawnSluice(['--import', TSX, CLI, 'run', '--config', join(dir, 'sluice.yaml'), '--log-format', 'json', '--grace', '10'], {
      cwd: dir,
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', SLUICE_LOG_LEVEL: 'info' },
    });
    try {
      const url = await sluice.url;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      // metrics change as messages flow
      await vi.waitFor(async () => expect(await metric(url, 'sluice_invocations_total')).toBeGreaterThan(2), { timeout: 30_000, interval: 100 });
      const first = await metric(url, 'sluice_invocations_total');
      await vi.waitFor(async () => expect(await metric(url, 'sluice_invocations_total')).toBeGreaterThan(first), { timeout: 10_000, interval: 100 });
      expect(await metric(url, 'sluice_records_received_total')).toBeGreaterThan(0);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);

      // disable: in-flight batches finish (and are deleted), then nothing more is consumed
      const off = await fetch(`${url}/mappings/orders/disable`, { method: 'POST' });
      expect(await off.json()).toMatchObject({ state: 'Disabled' });
      const whenDisabled = handled().length;
      expect(whenDisabled).toBeLessThan(MESSAGES);
      expect(await metric(url, 'sluice_sqs_messages_in_flight')).toBe(0);
      expect(await queueDepth(sqs, queue.url)).toBe(MESSAGES - whenDisabled);

      // an invalid config is rejected with validate's messages; the running config stays
      await writeFile(join(dir, 'sluice.yaml'), config(queue.name, 0));
      sluice.child.kill('SIGHUP');
      await vi.waitFor(() => expect(sluice.output()).toContain('config not reloaded'), { timeout: 10_000 });
      expect(sluice.output()).toMatch(/sluice\.yaml:\d+:\d+ mappings\[0\]\.batchSize/);
      expect(await (await fetch(`${url}/mappings/orders`)).json()).toMatchObject({ state: 'Disabled' });
      expect(handled().length).toBe(whenDisabled);

      // enable: consumption resumes
      const on = await fetch(`${url}/mappings/orders/enable`, { method: 'POST' });
      expect(on.status).toBe(200);
      await vi.waitFor(() => expect(handled().length).toBeGreaterThan(whenDisabled + 4), { timeout: 20_000, interval: 50 });

      // SIGTERM mid-run: in-flight batches finish, the rest goes back to the queue, exit 0
      sluice.child.kill('SIGTERM');
      expect(await sluice.exited).toBe(0);
      expect(sluice.output()).toContain('sluice stopped');
    } finally {
      sluice.child.kill('SIGKILL');
    }
    const done = handled();
    expect(done.length).toBeLessThan(MESSAGES);
    expect(new Set(done).size).toBe(done.length); // each message handled once
    // Nothing lost: what was not handled can be received at once (released, not hidden).
    const left = (await drain(sqs, queue.url)).map((m) => m.Body ?? '');
    expect([...done, ...left].sort()).toEqual([...bodies].sort());
  });
});
