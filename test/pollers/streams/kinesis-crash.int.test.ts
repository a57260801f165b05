/**
 * `kill -9` of a real sluice process mid-stream, then a restart: it resumes from the
 * file checkpoint, and at most one batch per shard (the one whose checkpoint had not
 * been written yet) is delivered twice.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../../harness/index.js';
import { createStream, eventually, keyedRecords, kinesisClient, putRecords, uniqueName, writeStreamConfig } from './stream-kit.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin/sluice.js');
const RECORDS = 3_000;
const BATCH_SIZE = 50;

/** Appends one JSON line per record: shard, payload and the invocation it came in. */
const HANDLER = (out: string): string => `
import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
export const handler = async (event) => {
  const inv = randomUUID();
  await new Promise((r) => setTimeout(r, 20));
  appendFileSync(${JSON.stringify(out)}, event.Records.map((r) => JSON.stringify({
    shard: r.eventID.split(':')[0], data: Buffer.from(r.kinesis.data, 'base64').toString('utf8'), inv,
  })).join('\\n') + '\\n');
  return null;
};
`;

interface Line {
  readonly shard: string;
  readonly data: string;
  readonly inv: string;
}

function readLines(file: string): Line[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);
}

describe('a sluice process killed with SIGKILL mid-stream', () => {
  const emulator = useEmulator('kinesis-local');
  const children: ChildProcess[] = [];
  beforeAll(() => {
    const built = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    if (!existsSync(join(ROOT, 'dist/src/cli.js'))) throw new Error(`build failed: ${built.stdout}${built.stderr}`);
  }, 240_000);
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  function run(config: string, dir: string): ChildProcess {
    const child = spawn(process.execPath, [BIN, 'run', '--config', config], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', SLUICE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  }
  const exited = (child: ChildProcess): Promise<void> =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));

  it('resumes from the checkpoint; at most one batch per shard is delivered twice', { timeout: 180_000 }, async () => {
    const kinesis = kinesisClient(emulator());
    const stream = uniqueName('crash');
    await createStream(kinesis, stream, 2);
    const records = keyedRecords(RECORDS, 100);
    await putRecords(kinesis, stream, records);
    const { dir, file } = await writeStreamConfig(emulator(), { source: `{ type: kinesis, stream: ${stream} }`, batchSize: BATCH_SIZE }, (d) =>
      HANDLER(join(d, 'delivered.jsonl')),
    );
    const out = join(dir, 'delivered.jsonl');

    const first = run(file, dir);
    await eventually(async () => (readLines(out).length >= RECORDS / 4 ? true : undefined), 90_000, 'a quarter of the records delivered');
    first.kill('SIGKILL');
    await exited(first);
    const beforeRestart = readLines(out);
    expect(beforeRestart.length).toBeLessThan(RECORDS);

    const second = run(file, dir);
    await eventually(async () => (new Set(readLines(out).map((l) => l.data)).size >= RECORDS ? true : undefined), 90_000, 'every record delivered');
    second.kill('SIGTERM');
    await exited(second);

    const lines = readLines(out);
    expect(new Set(lines.map((l) => l.data))).toEqual(new Set(records.map((r) => r.data)));
    // Duplicates come only from first-run invocations, at most one per shard, at most one batch each.
    const firstInvocationOf = new Map(beforeRestart.map((l) => [l.data, l.inv]));
    const seen = new Set<string>();
    const duplicateInvocations = new Map<string, Set<string>>();
    let duplicates = 0;
    for (const line of lines) {
      if (!seen.has(line.data)) {
        seen.add(line.data);
        continue;
      }
      duplicates += 1;
      const inv = firstInvocationOf.get(line.data);
      expect(inv, `${line.data} was first delivered before the kill`).toBeDefined();
      const set = duplicateInvocations.get(line.shard) ?? new Set<string>();
      set.add(inv ?? '');
      duplicateInvocations.set(line.shard, set);
    }
    if (process.env['SLUICE_TEST_DEBUG']) {
      for (const [shard, invs] of duplicateInvocations) {
        const order = [...new Set(beforeRestart.filter((l) => l.shard === shard).map((l) => l.inv))];
        console.log(shard, [...invs].map((i) => order.indexOf(i)), order.length);
      }
    }
    for (const [shard, invs] of duplicateInvocations) expect(invs.size, `batches of ${shard} delivered twice`).toBeLessThanOrEqual(1);
    expect(duplicates).toBeLessThanOrEqual(2 * BATCH_SIZE);
    kinesis.destroy();
  });
});
