import { rm } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import type { CliIo } from '../../src/cli/command.js';
import { silentLogger } from '../../src/log.js';
import { startSluice, type Sluice } from '../../src/runtime/sluice.js';
import { makeMapping } from '../support/mapping.js';
import { createGatedInvoker, opsConfig, replayDir } from './support.js';

function captureIo(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { io: { stdout, stderr, env: {}, cwd: process.cwd() }, out: () => out, err: () => err };
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function start(token?: string): Promise<{ sluice: Sluice; url: string; gate: ReturnType<typeof createGatedInvoker> }> {
  const { dir, file } = await replayDir(10);
  const gate = createGatedInvoker();
  const sluice = await startSluice({
    config: opsConfig(dir, [makeMapping({ name: 'clicks', batchSize: 5, source: { type: 'kinesis', stream: 'clicks', replay: file } })], {
      host: '127.0.0.1',
      port: 0,
      ...(token === undefined ? {} : { token }),
    }),
    logger: silentLogger,
    mode: 'run',
    invokers: new Map([['fn', gate]]),
  });
  stop = async () => {
    gate.open();
    await sluice.shutdown(1_000);
    await rm(dir, { recursive: true, force: true });
  };
  return { sluice, url: sluice.httpUrl ?? '', gate };
}

describe('sluice status / enable / disable', () => {
  it('status prints one line per mapping with state, source, lag and shard positions', async () => {
    const { url, gate } = await start();
    gate.allow(1);
    await vi.waitFor(() => expect(gate.seen).toHaveLength(5));
    const { io, out } = captureIo();
    await vi.waitFor(async () => {
      expect(await main(['status', '--url', url], io)).toBe(0);
      expect(out()).toContain('shardId-000000000000: 1004');
    });
    expect(out()).toMatch(/^MAPPING\s+STATE\s+SOURCE/);
    expect(out()).toMatch(/clicks\s+Enabled\s+kinesis:clicks\s+fn\s+10\s+5\s+OK/);
    const json = captureIo();
    expect(await main(['status', '--url', url, '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({ mappings: [{ name: 'clicks', state: 'Enabled', records: 10 }] });
  });

  it('disable then enable steer the running mapping; the token is sent with --token', async () => {
    const { sluice, url, gate } = await start('t0k');
    const denied = captureIo();
    expect(await main(['disable', 'clicks', '--url', url], denied.io)).toBe(1);
    expect(denied.err()).toContain('HTTP 401');
    await vi.waitFor(() => expect(gate.calls).toBe(1)); // a batch in flight
    const off = captureIo();
    const disabling = main(['disable', 'clicks', '--url', url, '--token', 't0k'], off.io);
    await vi.waitFor(() => expect(sluice.mappings[0]?.state).toBe('Disabling'));
    gate.allow(1); // the in-flight batch drains
    expect(await disabling).toBe(0);
    expect(off.out()).toBe('clicks: Disabled\n');
    expect(sluice.mappings[0]?.state).toBe('Disabled');
    expect(gate.seen).toHaveLength(5);
    gate.open();
    const on = captureIo();
    expect(await main(['enable', 'clicks', '--url', url, '--token', 't0k'], on.io)).toBe(0);
    expect(on.out()).toMatch(/^clicks: (Enabled|Disabled)\n$/);
    await sluice.done;
    expect(new Set(gate.seen).size).toBe(10);
  });

  it('reports an unknown mapping (exit 2) and an unreachable sluice (exit 1)', async () => {
    const { url } = await start();
    const unknown = captureIo();
    expect(await main(['enable', 'nope', '--url', url], unknown.io)).toBe(2);
    expect(unknown.err()).toContain('no mapping named "nope"');
    const down = captureIo();
    expect(await main(['status', '--url', 'http://127.0.0.1:1'], down.io)).toBe(1);
    expect(down.err()).toContain('cannot reach sluice at http://127.0.0.1:1/mappings');
  });
});
