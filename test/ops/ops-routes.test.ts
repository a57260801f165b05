import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { assertControlIsSafe, isLoopbackHost } from '../../src/ops/ops-routes.js';
import { startSluice, type Sluice } from '../../src/runtime/sluice.js';
import { deferred, ok, recordingInvoker } from '../push/support.js';
import { makeMapping } from '../support/mapping.js';
import { metricSample } from './sluice-process.js';
import { createGatedInvoker, opsConfig, replayDir } from './support.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function startClicks(records: number, token?: string): Promise<{ sluice: Sluice; gate: ReturnType<typeof createGatedInvoker>; url: string }> {
  const { dir, file } = await replayDir(records);
  const gate = createGatedInvoker();
  const mapping = makeMapping({ name: 'clicks', function: 'fn', batchSize: 5, source: { type: 'kinesis', stream: 'clicks', replay: file } });
  const sluice = await startSluice({
    config: opsConfig(dir, [mapping], { host: '127.0.0.1', port: 0, ...(token === undefined ? {} : { token }) }),
    logger: silentLogger,
    mode: 'run',
    ops: true,
    invokers: new Map([['fn', gate]]),
  });
  cleanup.push(async () => {
    gate.open();
    await sluice.shutdown(1_000);
    await rm(dir, { recursive: true, force: true });
  });
  if (sluice.httpUrl === undefined) throw new Error('no ops listener');
  return { sluice, gate, url: sluice.httpUrl };
}

async function metricValue(url: string, series: string): Promise<number> {
  return (await metricSample(url, series)) ?? 0;
}

const INVOCATIONS = 'sluice_invocations_total{mapping="clicks",function="fn",source="kinesis",shard="shardId-000000000000"}';

describe('ops endpoints', () => {
  it('GET /healthz, /readyz, /mappings answer while mappings run', async () => {
    const { url } = await startClicks(10);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/readyz`);
    expect(await ready.json()).toEqual({ ready: true, configLoaded: true, notReady: [] });
    expect(ready.status).toBe(200);
    const list = (await (await fetch(`${url}/mappings`)).json()) as { mappings: { name: string; state: string; source: string; function: string }[] };
    expect(list.mappings).toEqual([expect.objectContaining({ name: 'clicks', state: 'Enabled', source: 'kinesis:clicks', function: 'fn' })]);
    expect((await fetch(`${url}/mappings/nope`)).status).toBe(404);
  });

  it('GET /metrics counts invocations, batch sizes and durations as records flow', async () => {
    const { url, gate } = await startClicks(10);
    expect(await metricValue(url, INVOCATIONS)).toBe(0);
    gate.allow(1);
    await vi.waitFor(async () => expect(await metricValue(url, INVOCATIONS)).toBe(1));
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('sluice_batch_size_sum{mapping="clicks",function="fn",source="kinesis",shard="shardId-000000000000"} 5');
    expect(text).toContain('sluice_invocation_duration_seconds_count{mapping="clicks",function="fn",source="kinesis",shard="shardId-000000000000"} 1');
    expect(text).toContain('sluice_records_received_total{mapping="clicks",function="fn",source="kinesis",shard="shardId-000000000000"} 10');
    expect(text).toMatch(/# TYPE sluice_function_errors_total counter/);
  });

  it('POST /mappings/NAME/disable stops consumption; enable resumes from the checkpoint without loss or duplicates', async () => {
    const { sluice, url, gate } = await startClicks(20);
    gate.allow(1);
    await vi.waitFor(() => expect(gate.calls).toBe(2)); // first batch done, second in flight
    const disabling = fetch(`${url}/mappings/clicks/disable`, { method: 'POST' });
    await vi.waitFor(() => expect(sluice.mappings[0]?.state).toBe('Disabling'));
    gate.allow(1); // the in-flight batch drains
    const disabled = await disabling;
    expect(disabled.status).toBe(200);
    expect(await disabled.json()).toMatchObject({ name: 'clicks', state: 'Disabled' });
    expect(gate.seen).toHaveLength(10);
    const callsWhenDisabled = gate.calls;
    let settled = false;
    void sluice.done.finally(() => (settled = true));
    const status = (await (await fetch(`${url}/mappings/clicks`)).json()) as { positions: Record<string, string> };
    expect(status.positions).toEqual({ 'shardId-000000000000': '1009' });
    expect(gate.calls).toBe(callsWhenDisabled);
    expect(settled).toBe(false); // a disabled mapping waits to be enabled; sluice keeps running

    gate.open();
    const enabled = await fetch(`${url}/mappings/clicks/enable`, { method: 'POST' });
    expect(enabled.status).toBe(200);
    await sluice.done;
    expect(gate.seen).toEqual(Array.from({ length: 20 }, (_, i) => String(1000 + i)));
  });

  it('control endpoints need the bearer token when http.token is set', async () => {
    const { url } = await startClicks(5, 's3cret');
    const refused = await fetch(`${url}/mappings/clicks/disable`, { method: 'POST' });
    expect(refused.status).toBe(401);
    const wrong = await fetch(`${url}/mappings/clicks/disable`, { method: 'POST', headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const unknown = await fetch(`${url}/mappings/zzz/disable`, { method: 'POST', headers: { authorization: 'Bearer s3cret' } });
    expect(unknown.status).toBe(404);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe('a replayed SQS mapping', () => {
  it('feeds the SQS gauges like a live queue (the age from the recorded SentTimestamp; one receive loop, then none)', async () => {
    const { dir } = await replayDir(0);
    const file = join(dir, 'orders.jsonl');
    const sent = Date.now() - 2_000;
    const lines = ['a', 'b', 'c'].map((id) => JSON.stringify({ MessageId: id, Body: id, Attributes: { SentTimestamp: String(sent) } }));
    await writeFile(file, `${lines.join('\n')}\n`);
    const handlerMayFinish = deferred();
    const invoker = recordingInvoker(async () => {
      await handlerMayFinish.promise;
      return ok();
    });
    const mapping = makeMapping({ name: 'orders', function: 'fn', batchSize: 10, source: { type: 'sqs', queue: 'orders', waitTimeSeconds: 20, replay: file } });
    const sluice = await startSluice({ config: opsConfig(dir, [mapping]), logger: silentLogger, mode: 'run', ops: true, invokers: new Map([['fn', invoker]]) });
    cleanup.push(async () => {
      handlerMayFinish.resolve();
      await sluice.shutdown(1_000);
      await rm(dir, { recursive: true, force: true });
    });
    await invoker.called(1);
    const url = sluice.httpUrl ?? '';
    const series = '{mapping="orders",function="fn",source="sqs"}';
    expect(await metricValue(url, `sluice_sqs_messages_in_flight${series}`)).toBe(3);
    expect(await metricValue(url, `sluice_sqs_approximate_age_of_oldest_message_seconds${series}`)).toBeGreaterThanOrEqual(2);
    expect(await metricValue(url, `sluice_sqs_receive_loops${series}`)).toBe(1);
    handlerMayFinish.resolve();
    await sluice.done;
    expect(sluice.mappings[0]?.stats.receiveLoops).toBeUndefined();
    expect(sluice.mappings[0]?.stats.queue?.inFlight).toBe(0);
    expect(sluice.mappings[0]?.stats.processed).toBe(3);
  });
});

describe('control binding', () => {
  it.each([
    ['127.0.0.1', undefined, true],
    ['localhost', undefined, true],
    ['::1', undefined, true],
    ['0.0.0.0', undefined, false],
    ['0.0.0.0', 'token', true],
    ['192.168.1.5', undefined, false],
  ] as const)('host %s with token %s: allowed %s', (host, token, allowed) => {
    const check = (): void => assertControlIsSafe(host, token);
    if (allowed) expect(check).not.toThrow();
    else expect(check).toThrow(/set http\.token/);
    expect(isLoopbackHost(host)).toBe(host !== '0.0.0.0' && host !== '192.168.1.5');
  });

  it('startSluice refuses a non-loopback host without a token', async () => {
    const { dir, file } = await replayDir(1);
    const mapping = makeMapping({ name: 'clicks', source: { type: 'kinesis', stream: 'clicks', replay: file } });
    await expect(
      startSluice({ config: opsConfig(dir, [mapping], { host: '0.0.0.0', port: 0 }), logger: silentLogger, mode: 'run', ops: true, invokers: new Map([['fn', createGatedInvoker()]]) }),
    ).rejects.toMatchObject({ code: 'HttpTokenRequired' });
    await rm(dir, { recursive: true, force: true });
  });
});
