/**
 * `npm run bench -- local [--invokes=N] [--rounds=N]`: what a local handler's execution
 * environment costs, for each `isolation`, against a baseline measured in the same run:
 *   - warm round trips: sequential invocations per second of a no-op handler with a 10-record
 *     SQS event, against (c) a bare child process that echoes the same message over Node's
 *     IPC channel (the floor for `isolation: process`);
 *   - cold starts: median time of the first invocation of a new environment (start, Init,
 *     invoke), process against thread.
 * No emulator: this isolates the hop that `bench sqs` pays once per batch.
 */
import { fork } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Isolation } from '../../src/config/types.js';
import { createLocalInvoker, type LocalInvoker } from '../../src/invokers/local/local-invoker.js';
import { silentLogger } from '../../src/log.js';
import { localFunction } from '../invokers/local/helpers.js';
import { option } from './_options.js';
import { inRounds } from './_rounds.js';

/** A batch as the SQS poller hands it over: 10 records of about 1 KB each. */
function sqsEvent(): unknown {
  return {
    Records: Array.from({ length: 10 }, (_, i) => ({
      messageId: crypto.randomUUID(),
      receiptHandle: 'AQEB'.padEnd(180, 'x'),
      body: JSON.stringify({ i, pad: 'x'.repeat(64) }),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000', SenderId: 'AIDAEXAMPLE', ApproximateFirstReceiveTimestamp: '1700000000001' },
      messageAttributes: {},
      md5OfBody: '0'.repeat(32),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
      awsRegion: 'us-east-1',
    })),
  };
}

function invoker(modulePath: string, isolation: Isolation): LocalInvoker {
  return createLocalInvoker({
    fn: localFunction(modulePath, 'handler', { memorySize: 128 }, isolation),
    region: 'us-east-1',
    account: '000000000000',
    logger: silentLogger,
    maxEnvironments: 1,
  });
}

async function warm(modulePath: string, isolation: Isolation, event: unknown, invokes: number): Promise<number> {
  const local = invoker(modulePath, isolation);
  try {
    for (let i = 0; i < 200; i += 1) await local.invoke(event);
    const start = performance.now();
    for (let i = 0; i < invokes; i += 1) await local.invoke(event);
    return invokes / ((performance.now() - start) / 1000);
  } finally {
    await local.close();
  }
}

/** The floor: a child that answers each message at once, over the same kind of channel. */
async function bare(echoPath: string, event: unknown, invokes: number): Promise<number> {
  const child = fork(echoPath, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const roundTrip = async (): Promise<void> => {
    const answered = new Promise<{ payload: string }>((resolve) => child.once('message', resolve as (m: unknown) => void));
    child.send({ type: 'invoke', requestId: crypto.randomUUID(), event: JSON.stringify(event), timeoutMs: 3000, invokedFunctionArn: 'arn' });
    JSON.parse((await answered).payload);
  };
  try {
    for (let i = 0; i < 200; i += 1) await roundTrip();
    const start = performance.now();
    for (let i = 0; i < invokes; i += 1) await roundTrip();
    return invokes / ((performance.now() - start) / 1000);
  } finally {
    child.kill('SIGKILL');
  }
}

async function coldStartMs(modulePath: string, isolation: Isolation, samples: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const local = invoker(modulePath, isolation);
    const start = performance.now();
    await local.invoke({});
    times.push(performance.now() - start);
    await local.close();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

export default async function bench(args: string[]): Promise<void> {
  const invokes = option(args, 'invokes', 5_000);
  const rounds = option(args, 'rounds', 3);
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-local-'));
  const handler = join(dir, 'handler.mjs');
  await writeFile(handler, 'export const handler = async () => null;\n');
  const echo = join(dir, 'echo.mjs');
  await writeFile(
    echo,
    "process.on('message', (m) => { JSON.parse(m.event); process.send({ type: 'result', requestId: m.requestId, ok: true, payload: 'null', durationMs: 0, maxMemoryUsedMB: 0 }); });\n",
  );
  const event = sqsEvent();
  console.log(`${invokes} sequential invocations of a no-op handler with a 10-record SQS event, ${rounds} rounds`);
  const m = await inRounds(
    rounds,
    {
      '(c) bare IPC echo': () => bare(echo, event, invokes),
      'isolation: process': () => warm(handler, 'process', event, invokes),
      'isolation: thread': () => warm(handler, 'thread', event, invokes),
    },
    'invokes/s',
  );
  const [c, proc, thread] = [m['(c) bare IPC echo'], m['isolation: process'], m['isolation: thread']];
  console.log(`warm round trip: process ${(1e6 / proc).toFixed(0)} µs, thread ${(1e6 / thread).toFixed(0)} µs, bare IPC echo ${(1e6 / c).toFixed(0)} µs`);
  console.log(`process/bare: ${(proc / c).toFixed(2)}   thread/bare: ${(thread / c).toFixed(2)}   thread/process: ${(thread / proc).toFixed(2)}`);
  const [coldProcess, coldThread] = [await coldStartMs(handler, 'process', 10), await coldStartMs(handler, 'thread', 10)];
  console.log(
    `cold start (first invocation, median of 10): process ${coldProcess.toFixed(0)} ms, thread ${coldThread.toFixed(0)} ms (thread/process ${(coldThread / coldProcess).toFixed(2)})`,
  );
}
