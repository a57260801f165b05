import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsEmulators, useEmulator, type Emulator } from '../../harness/index.js';
import { createQueue, eventually, queueDepth, queueName, sendMessages, sqsClient } from './sqs-kit.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MESSAGES = 400;

const HANDLER = `import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, 100));
  appendFileSync(process.env.OUT_FILE, event.Records.map((r) => r.messageId + '\\n').join(''));
  return null;
};
`;

/** The CLI as users run it: `npm run build` (transpiled only: the suite type-checks separately). */
beforeAll(async () => {
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--noCheck'], { cwd: ROOT });
}, 180_000);

async function writeConfig(emulator: Emulator, queue: string): Promise<{ readonly file: string; readonly out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-sqs-kill-'));
  const out = join(dir, 'processed.txt');
  await writeFile(out, '');
  await writeFile(join(dir, 'handler.mjs'), HANDLER);
  const file = join(dir, 'sluice.yaml');
  await writeFile(
    file,
    [
      `region: ${emulator.region}`,
      'account: "000000000000"',
      `endpoint: ${emulator.endpoint}`,
      'http: { port: 0 }',
      'functions:',
      '  recorder:',
      '    handler: ./handler.handler',
      `    environment: { OUT_FILE: "${out}" }`,
      'mappings:',
      '  - name: queue',
      '    function: recorder',
      `    source: { type: sqs, queue: ${queue}, waitTimeSeconds: 1 }`,
      '    batchSize: 10',
      '    scalingConfig: { maximumConcurrency: 2 }',
    ].join('\n'),
  );
  return { file, out };
}

/** `node bin/sluice.js run` in its own process group (so its handler processes can be cleaned up). */
function runSluice(config: string): { readonly child: ChildProcess; readonly exited: Promise<number | null>; readonly output: () => string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'LOCALSTACK_HOST'));
  const child = spawn(process.execPath, [join(ROOT, 'bin/sluice.js'), 'run', '--config', config, '--log-format', 'json'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');

describe.each(sqsEmulators())('sluice killed with SIGKILL mid-stream on %s', (kind) => {
  const emulator = useEmulator(kind);
  let sqs: SQSClient;
  beforeAll(() => {
    sqs = sqsClient(emulator());
  });
  afterAll(() => sqs.destroy());

  it('a restart processes every message at least once: nothing is lost', async () => {
    const queue = await createQueue(sqs, queueName('kill'), { VisibilityTimeout: '3' });
    const sent = await sendMessages(
      sqs,
      queue.url,
      Array.from({ length: MESSAGES }, (_, i) => ({ body: String(i) })),
    );
    const { file, out } = await writeConfig(emulator(), queue.name);

    const first = runSluice(file);
    try {
      await eventually(async () => ((await lines(out)).length >= 100 ? true : undefined), 60_000, 'the first 100 messages');
      process.kill(first.child.pid ?? 0, 'SIGKILL');
      expect(await first.exited).toBeNull();
    } finally {
      killGroup(first.child);
    }
    const beforeRestart = new Set(await lines(out));
    expect(beforeRestart.size, 'killed mid-stream').toBeLessThan(MESSAGES);

    const second = runSluice(file);
    try {
      const wanted = new Set(sent);
      await eventually(
        async () => {
          const seen = new Set(await lines(out));
          return [...wanted].every((id) => seen.has(id)) ? true : undefined;
        },
        90_000,
        `all ${MESSAGES} messages`,
      );
      await eventually(async () => ((await queueDepth(sqs, queue.url)) === 0 ? true : undefined), 30_000, 'an empty queue');
      second.child.kill('SIGTERM');
      expect(await second.exited, second.output()).toBe(0);
    } finally {
      killGroup(second.child);
    }
    const all = await lines(out);
    expect(new Set(all)).toEqual(new Set(sent));
    // At-least-once: what the killed process had processed but not yet deleted ran again.
    expect(all.length).toBeGreaterThanOrEqual(MESSAGES);
  }, 180_000);
});
