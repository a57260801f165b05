import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { linesOf, metricSample, spawnSluice, type SluiceProcess } from './sluice-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/sluice.js');
const RECORDS = 400;

let dir: string;
beforeAll(async () => {
  spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  if (!existsSync(join(ROOT, 'dist/src/ops/ops-routes.js'))) throw new Error('npx tsc -p tsconfig.build.json did not produce dist/src/ops/ops-routes.js');
  dir = await mkdtemp(join(tmpdir(), 'sluice-ops-run-'));
  const lines = Array.from({ length: RECORDS }, (_, i) =>
    JSON.stringify({ SequenceNumber: String(10_000 + i), ApproximateArrivalTimestamp: 1768467600, Data: 'e30=', PartitionKey: 'k' }),
  );
  await writeFile(join(dir, 'clicks.jsonl'), `${lines.join('\n')}\n`);
  // Each batch takes a little while, so the run lasts long enough to steer it.
  await writeFile(
    join(dir, 'clicks.mjs'),
    `import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  await new Promise((r) => setTimeout(r, Number(process.env.DELAY_MS)));
  appendFileSync(process.env.OUT, event.Records.map((r) => r.kinesis.sequenceNumber).join('\\n') + '\\n');
  return {};
};
`,
  );
  await writeFile(join(dir, 'sluice.yaml'), config(2));
}, 300_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function config(batchSize: number, delayMs = 25, enabled = true): string {
  return `region: us-east-1
http: { host: 127.0.0.1, port: 0 }
functions:
  clicks:
    handler: ./clicks.handler
    timeout: 60
    environment: { OUT: ${JSON.stringify(join(dir, 'out.txt'))}, DELAY_MS: "${delayMs}" }
mappings:
  - name: clicks
    function: clicks
    source: { type: kinesis, stream: clicks, replay: ./clicks.jsonl }
    batchSize: ${batchSize}
    enabled: ${enabled}
`;
}

function runSluice(): SluiceProcess {
  return spawnSluice([BIN, 'run', '--config', join(dir, 'sluice.yaml'), '--log-format', 'json', '--grace', '10'], { cwd: dir });
}

function handled(): string[] {
  return linesOf(join(dir, 'out.txt'));
}

async function invocations(url: string): Promise<number> {
  return (await metricSample(url, 'sluice_invocations_total{mapping="clicks"')) ?? 0;
}

describe('sluice run as a process', () => {
  it('serves /healthz and /metrics, disables and enables without loss, keeps its config on an invalid reload, drains on SIGTERM', async () => {
    const sluice = runSluice();
    const url = await sluice.url;
    try {
      await vi.waitFor(() => expect(sluice.output()).toMatch(/"mapping":"clicks","function":"clicks","source":"kinesis:clicks","batchSize":2[,}].*"msg":"mapping started"/));
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      // metrics change as records flow
      await vi.waitFor(async () => expect(await invocations(url)).toBeGreaterThan(2), { timeout: 10_000 });
      const first = await invocations(url);
      await vi.waitFor(async () => expect(await invocations(url)).toBeGreaterThan(first), { timeout: 10_000 });

      // disable: the in-flight batch drains, then nothing more is consumed
      const off = await fetch(`${url}/mappings/clicks/disable`, { method: 'POST' });
      expect(off.status).toBe(200);
      expect(await off.json()).toMatchObject({ state: 'Disabled' });
      const whenDisabled = handled().length;
      const invokedWhenDisabled = await invocations(url);
      expect(whenDisabled).toBe(invokedWhenDisabled * 2);

      // an invalid config is rejected with validate's FILE:LINE:COL messages; the running config stays
      await writeFile(join(dir, 'sluice.yaml'), config(0));
      sluice.child.kill('SIGHUP');
      await vi.waitFor(() => expect(sluice.output()).toContain('config not reloaded'), { timeout: 10_000 });
      expect(sluice.output()).toMatch(/sluice\.yaml:\d+:\d+ mappings\[0\]\.batchSize/);
      const status = (await (await fetch(`${url}/mappings/clicks`)).json()) as { state: string };
      expect(status.state).toBe('Disabled');
      expect(handled().length).toBe(whenDisabled);
      expect(await invocations(url)).toBe(invokedWhenDisabled);

      // enable: resumes from the checkpoint
      const on = await fetch(`${url}/mappings/clicks/enable`, { method: 'POST' });
      expect(on.status).toBe(200);
      await vi.waitFor(() => expect(handled().length).toBeGreaterThan(whenDisabled + 4), { timeout: 10_000 });

      // SIGTERM mid-run: the in-flight batch finishes, exit 0
      sluice.child.kill('SIGTERM');
      expect(await sluice.exited).toBe(0);
      const seen = handled();
      expect(seen.length).toBeLessThan(RECORDS);
      expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => String(10_000 + i)));
      expect(sluice.output()).toContain('sluice stopped');
    } finally {
      sluice.child.kill('SIGKILL');
      await writeFile(join(dir, 'sluice.yaml'), config(2));
    }
  });

  it('with no enabled mapping, stays up for a reload that enables one, instead of ending at once', async () => {
    await rm(join(dir, 'out.txt'), { force: true });
    await writeFile(join(dir, 'sluice.yaml'), config(50, 0, false));
    const sluice = runSluice();
    try {
      const url = await sluice.url;
      await vi.waitFor(() => expect(sluice.output()).toContain('no enabled mapping to run: waiting for a config reload'), { timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(sluice.child.exitCode).toBeNull();
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      await writeFile(join(dir, 'sluice.yaml'), config(50, 0, true));
      sluice.child.kill('SIGHUP');
      // The replay runs to its end, and then the run ends as a run of replays does.
      expect(await sluice.exited).toBe(0);
      expect(handled()).toHaveLength(RECORDS);
    } finally {
      sluice.child.kill('SIGKILL');
      await writeFile(join(dir, 'sluice.yaml'), config(2));
    }
  });

  it('a second signal exits at once', async () => {
    await rm(join(dir, 'out.txt'), { force: true });
    // A batch that takes a minute: the drain after the first signal cannot finish on its own.
    await writeFile(join(dir, 'sluice.yaml'), config(2, 60_000));
    const sluice = runSluice();
    await vi.waitFor(() => expect(sluice.output()).toContain('"msg":"mapping started"'), { timeout: 10_000 });
    sluice.child.kill('SIGTERM');
    await vi.waitFor(() => expect(sluice.output()).toContain('shutting down: draining in-flight batches'), { timeout: 10_000 });
    sluice.child.kill('SIGINT');
    expect(await sluice.exited).toBe(1);
    expect(sluice.output()).toContain('second signal: exiting now');
  });
});
