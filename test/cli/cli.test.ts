/**
 * The `sluice` command line as a user runs it: `node bin/sluice.js ...`, built from source first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
/**
 * A private build (inside the repo, so node_modules resolves; .cache/ is ignored by git):
 * other builds of dist/ running at the same time cannot swap files under the CLI.
 */
const BUILD = join(ROOT, '.cache', `cli-test-${process.pid}`);
const BIN = join(BUILD, 'bin/sluice.js');
const QUICKSTART = join(ROOT, 'config/examples/quickstart.yaml');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function sluice(args: readonly string[], cwd = ROOT): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, SLUICE_LOG_LEVEL: 'info' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let dir: string;
beforeAll(async () => {
  // bin/sluice.js runs ../dist/src/cli.js: compile (type errors elsewhere in a work in progress do not stop emit).
  spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(BUILD, 'dist')], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  if (!existsSync(join(BUILD, 'dist/src/cli.js'))) throw new Error('npx tsc -p tsconfig.build.json did not produce dist/src/cli.js');
  await mkdir(join(BUILD, 'bin'), { recursive: true });
  await copyFile(join(ROOT, 'bin/sluice.js'), BIN);
  dir = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
  await writeFile(join(dir, 'fail.mjs'), 'export const handler = async () => { throw new Error("nope"); };\n');
  await writeFile(
    join(dir, 'slow.mjs'),
    'export const handler = async (event) => { await new Promise((r) => setTimeout(r, 5)); console.log(`batch of ${event.Records.length}`); };\n',
  );
  const record = (i: number) =>
    JSON.stringify({
      SequenceNumber: String(49_600_000_000_000_000_000n + BigInt(i)),
      ApproximateArrivalTimestamp: 1768467600 + i,
      Data: Buffer.from(JSON.stringify({ i })).toString('base64'),
      PartitionKey: `k${i % 7}`,
    });
  await writeFile(join(dir, 'three.jsonl'), `${[0, 1, 2].map(record).join('\n')}\n`);
  await writeFile(join(dir, 'long.jsonl'), `${Array.from({ length: 3000 }, (_, i) => record(i)).join('\n')}\n`);
  const config = (fn: string, file: string, extra = '') =>
    [
      'region: us-east-1',
      'account: "000000000000"',
      'functions:',
      `  fn: { handler: ./${fn}.handler }`,
      'mappings:',
      '  - name: stream',
      '    function: fn',
      `    source: { type: kinesis, stream: s, replay: ./${file} }`,
      '    startingPosition: TRIM_HORIZON',
      '    batchSize: 10',
      extra,
      '',
    ].join('\n');
  await writeFile(join(dir, 'failing.yaml'), config('fail', 'three.jsonl', '    maximumRetryAttempts: -1'));
  await writeFile(join(dir, 'long.yaml'), config('slow', 'long.jsonl'));
  await writeFile(
    join(dir, 'bad.yaml'),
    [
      'region: us-east-1',
      'functions:',
      '  fn: { handler: ./fail.handler }',
      'mappings:',
      '  - name: m',
      '    function: fn',
      '    source: { type: kinesis, stream: s, startingPosition: TRIM_HORIZON }',
      '    batchSize: 0',
      '    parallelizationFactor: 11',
      '',
    ].join('\n'),
  );
}, 300_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  await rm(BUILD, { recursive: true, force: true });
});

describe('sluice CLI', () => {
  it('--help on every command exits 0 and prints its usage', () => {
    const top = sluice(['--help']);
    expect(top.code).toBe(0);
    const commands = [...top.stdout.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1] as string);
    expect(commands).toEqual(expect.arrayContaining(['run', 'validate', 'replay', 'events', 'schedule']));
    for (const command of commands) {
      const help = sluice([command, '--help']);
      expect({ command, code: help.code }).toEqual({ command, code: 0 });
      expect(help.stdout).toMatch(/Usage: /);
    }
    expect(sluice([]).code).toBe(2);
    expect(sluice(['nonsense']).code).toBe(2);
  });

  it('replay of the quickstart exits 0 and prints the summary', () => {
    const run = sluice(['replay', '--config', QUICKSTART]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('ok   orders-queue: 28 records, 3 invocations, 24 processed, 3 filtered out, 1 dead-lettered');
    expect(run.stderr).toContain('ok   clicks-stream: 200 records, 6 invocations, 200 processed');
    expect(run.stderr).toContain('ok   orders-table: 5 records, 1 invocations, 5 processed');
    expect(run.stderr).toContain('ok   uploads: 2 records, 2 invocations, 2 processed');
    expect(run.stderr).toContain('replay finished: every record handled');
  });

  it('replay --json prints the summary alone on stdout: logs and handlers\' output go to stderr', () => {
    const run = sluice(['replay', '--config', QUICKSTART, '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { ok: boolean; mappings: { mapping: string }[] };
    expect(summary.ok).toBe(true);
    expect(summary.mappings.map((m) => m.mapping)).toEqual(['orders-queue', 'clicks-stream', 'orders-table', 'uploads']);
    expect(run.stderr).toContain('"msg":"START"');
    // A handler's console.log, in Lambda's text format: timestamp, request id, level.
    expect(run.stderr).toMatch(/\tINFO\t/);
  });

  it('a replay whose handler keeps failing exits 1 with the abandoned records in the summary', () => {
    const run = sluice(['replay', '--config', join(dir, 'failing.yaml'), '--max-attempts', '2']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/FAIL stream: 3 records, 2 invocations, 0 processed, 2 function errors, 3 abandoned \(kept failing\)/);
    expect(run.stderr).toContain('replay finished with records not handled');
  });

  it('replay of an unknown mapping, or --file without exactly one mapping, is a usage error (exit 2) with a one-line message', () => {
    const unknown = sluice(['replay', '--config', QUICKSTART, '--mapping', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(`no mapping named "nope" in ${QUICKSTART}`);
    const file = sluice(['replay', '--config', QUICKSTART, '--file', join(dir, 'three.jsonl')]);
    expect(file.code).toBe(2);
    expect(file.stderr.trim()).toBe('--file needs exactly one mapping (use --mapping NAME); 4 selected');
  });

  it('replay --max-attempts must be a whole number (exit 2)', () => {
    const run = sluice(['replay', '--config', QUICKSTART, '--max-attempts', 'two']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--max-attempts must be a whole number >= 1, got "two"');
  });

  it('validate of a bad config exits 2 and prints FILE:LINE:COL key.path: message for every problem', () => {
    const run = sluice(['validate', join(dir, 'bad.yaml')]);
    expect(run.code).toBe(2);
    const file = join(dir, 'bad.yaml');
    const lines = run.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^\d+ problems found$/);
    for (const line of lines.slice(0, -1)) expect(line.startsWith(`${file}:`)).toBe(true);
    expect(run.stderr).toContain(`${file}:8:5 mappings[0].batchSize: batchSize must be between 1 and 10000`);
    expect(run.stderr).toContain(`${file}:9:5 mappings[0].parallelizationFactor: parallelizationFactor must be between 1 and 10`);
  });

  it('validate of the quickstart exits 0', () => {
    const run = sluice(['validate', QUICKSTART]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('valid (4 mappings, 4 functions)');
  });

  it('events sqs --body prints a valid SQS event carrying the body', () => {
    const run = sluice(['events', 'sqs', '--body', '{"a":1}']);
    expect(run.code).toBe(0);
    const event = JSON.parse(run.stdout) as { Records: Record<string, unknown>[] };
    expect(event.Records).toHaveLength(1);
    expect(event.Records[0]).toMatchObject({
      body: '{"a":1}',
      eventSource: 'aws:sqs',
      awsRegion: expect.any(String),
      eventSourceARN: expect.stringMatching(/^arn:aws:sqs:/),
      attributes: { ApproximateReceiveCount: '1' },
      md5OfBody: 'bb6cb5c68df4652941caf652a366f2d8',
    });
    expect(sluice(['events', 'nosuchsource']).code).toBe(2);
  });

  it('schedule next prints exactly -n fire times', () => {
    const run = sluice(['schedule', 'next', 'cron(0 9 ? * MON-FRI *)', '-n', '3', '--from', '2026-01-01T00:00:00Z']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['2026-01-01T09:00:00.000Z', '2026-01-02T09:00:00.000Z', '2026-01-05T09:00:00.000Z']);
  });

  it('schedule next refuses a bad -n (exit 2)', () => {
    const run = sluice(['schedule', 'next', 'rate(5 minutes)', '-n', 'many']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('-n must be a whole number');
  });

  it('run of the quickstart exits 0 once every replay ended', () => {
    const run = sluice(['run', '--config', QUICKSTART]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('replay finished: every record handled');
    // A second run replays everything again: replay files keep no checkpoints across runs.
    const again = sluice(['run', '--config', QUICKSTART]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('ok   clicks-stream: 200 records, 6 invocations, 200 processed');
  });

  it('run with a long replay: SIGTERM mid-way drains the in-flight batch and exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'run', '--config', join(dir, 'long.yaml')], { cwd: ROOT, env: { ...process.env, SLUICE_LOG_LEVEL: 'info' } });
    let stdout = '';
    let signalled = false;
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await new Promise<void>((ready) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (!signalled && (stdout.match(/batch of 10/g) ?? []).length >= 5) {
          signalled = true;
          child.kill('SIGTERM');
          ready();
        }
      });
    });
    expect(await exited).toBe(0);
    const batches = (stdout.match(/batch of 10/g) ?? []).length;
    expect(batches).toBeGreaterThanOrEqual(5);
    expect(batches).toBeLessThan(300);
    expect(stdout).toContain('shutting down: draining in-flight batches');
    expect(stdout).toMatch(/"result":"STOPPED"/);
    expect(stdout).toContain('sluice stopped');
  });
});
