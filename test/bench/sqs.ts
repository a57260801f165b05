/**
 * `npm run bench -- sqs [--concurrency=N] [--messages=N] [--rounds=N]`: messages/second draining a
 * pre-filled queue (default 50,000 messages, batchSize 10, concurrency 5) on ElasticMQ, same
 * emulator and same run, for
 *   (a) sluice: a local no-op handler (one process per environment, the default; then one worker thread
 *       per environment, `isolation: thread`), and an in-process no-op invoker;
 *   (b) sqs-consumer v14 with `handleMessageBatch`, N consumers for concurrency N;
 *   (c) a bare ReceiveMessage / DeleteMessageBatch loop, N loops;
 * then sluice's send-to-handler latency (p50 / p99) at a steady 200 messages/s.
 * Each drain's CPU is metered too (Linux): per message, the emulator's, this process's (the
 * consumer: sluice or a baseline) and sluice's execution environments'. On a small machine a
 * drain is bound by CPU, so the totals explain the rates, and vary less from round to round.
 * Every receive asks for all system and message attributes, as Lambda's poller does.
 *
 * ElasticMQ's JVM is warmed up first (a cold JIT made whichever variant ran first look ~30%
 * slower), then each round runs every variant once, in an order rotated from round to round,
 * and the ratios are taken from each variant's median (default 3 rounds).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import { loadConfig } from '../../src/config/index.js';
import type { Isolation } from '../../src/config/types.js';
import type { Invoker } from '../../src/invokers/invoker.js';
import { silentLogger } from '../../src/log.js';
import { startSluice, type Sluice } from '../../src/runtime/sluice.js';
import { startEmulator, type Emulator } from '../harness/index.js';
import { createQueue, queueName, sendMessages, sqsClient } from '../pollers/sqs/sqs-kit.js';
import { cpuMeter, drainWindow, type CpuPerMessage, type DrainWindow } from './_cpu.js';
import { option } from './_options.js';
import { inRounds } from './_rounds.js';

const BATCH = 10;
const WAIT_SECONDS = 20;

async function filledQueue(sqs: SQSClient, messages: number): Promise<{ name: string; url: string }> {
  const queue = await createQueue(sqs, queueName('bench'), { VisibilityTimeout: '120' });
  await sendMessages(
    sqs,
    queue.url,
    Array.from({ length: messages }, (_, i) => ({ body: JSON.stringify({ i, pad: 'x'.repeat(64) }) })),
    32,
  );
  return queue;
}

/** Resolves once `count()` reaches `target`. */
async function until(count: () => number, target: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (count() < target) {
    if (Date.now() > deadline) throw new Error(`stalled at ${count()} of ${target}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function bare(sqs: SQSClient, url: string, messages: number, concurrency: number, window: DrainWindow): Promise<number> {
  let done = 0;
  const stop = new AbortController();
  window.open();
  const loops = Array.from({ length: concurrency }, async () => {
    while (!stop.signal.aborted) {
      const received = await sqs
        .send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: BATCH,
            WaitTimeSeconds: WAIT_SECONDS,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: stop.signal },
        )
        .catch(() => ({ Messages: [] }));
      const batch = received.Messages ?? [];
      if (batch.length === 0) continue;
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
      done += batch.length;
    }
  });
  await until(() => done, messages, 600_000);
  const ms = window.close();
  stop.abort();
  await Promise.all(loops);
  return ms;
}

async function sqsConsumer(sqs: SQSClient, url: string, messages: number, concurrency: number, window: DrainWindow): Promise<number> {
  let done = 0;
  const consumers = Array.from({ length: concurrency }, () =>
    Consumer.create({
      queueUrl: url,
      sqs,
      batchSize: BATCH,
      waitTimeSeconds: WAIT_SECONDS,
      pollingWaitTimeMs: 0,
      messageSystemAttributeNames: ['All'],
      messageAttributeNames: ['All'],
      handleMessageBatch: async (batch) => {
        done += batch.length;
        return batch;
      },
    }),
  );
  window.open();
  for (const c of consumers) c.start();
  await until(() => done, messages, 600_000);
  const ms = window.close();
  for (const c of consumers) {
    c.on('error', () => undefined);
    c.stop({ abort: true });
  }
  return ms;
}

async function sluiceConfig(emulator: Emulator, queue: string, concurrency: number, handler: string, isolation: Isolation): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-sqs-'));
  await writeFile(join(dir, 'handler.mjs'), handler);
  const file = join(dir, 'sluice.yaml');
  await writeFile(
    file,
    [
      `region: ${emulator.region}`,
      `endpoint: ${emulator.endpoint}`,
      'http: { port: 0 }',
      'functions:',
      `  fn: { handler: ./handler.handler, isolation: ${isolation} }`,
      'mappings:',
      '  - name: bench',
      '    function: fn',
      `    source: { type: sqs, queue: ${queue}, waitTimeSeconds: ${WAIT_SECONDS} }`,
      `    batchSize: ${BATCH}`,
      `    scalingConfig: { maximumConcurrency: ${Math.max(2, concurrency)} }`,
    ].join('\n'),
  );
  return file;
}

async function runSluice(
  emulator: Emulator,
  queue: string,
  concurrency: number,
  options: {
    readonly invoker?: Invoker;
    readonly handler?: string;
    readonly isolation?: Isolation;
    readonly observe?: Parameters<typeof startSluice>[0]['observe'];
  },
): Promise<Sluice> {
  const handler = options.handler ?? 'export const handler = async () => null;\n';
  const file = await sluiceConfig(emulator, queue, concurrency, handler, options.isolation ?? 'process');
  const config = await loadConfig(file, { env: {}, checkHandlers: false });
  return startSluice({
    config,
    logger: silentLogger,
    mode: 'run',
    env: {},
    ...(options.invoker ? { invokers: new Map([['fn', options.invoker]]) } : {}),
    ...(options.observe ? { observe: options.observe } : {}),
  });
}

async function sluiceDrain(
  emulator: Emulator,
  queue: string,
  messages: number,
  concurrency: number,
  how: { readonly invoker?: Invoker; readonly isolation?: Isolation },
  window: DrainWindow,
): Promise<number> {
  const sluice = await runSluice(emulator, queue, concurrency, how);
  window.open();
  await until(() => sluice.mappings[0]?.stats.processed ?? 0, messages, 600_000);
  const ms = window.close();
  await sluice.shutdown(5_000);
  return ms;
}

const noopInvoker: Invoker = {
  invoke: async () => ({ status: 'success', requestId: randomUUID(), durationMs: 0, payload: null }),
  close: async () => undefined,
};

async function latency(
  emulator: Emulator,
  sqs: SQSClient,
  concurrency: number,
  isolation: Isolation,
): Promise<{ p50: number; p99: number; n: number }> {
  const queue = await createQueue(sqs, queueName('latency'), { VisibilityTimeout: '60' });
  const samples: number[] = [];
  const handler = 'export const handler = async (event) => ({ latencies: event.Records.map((r) => Date.now() - JSON.parse(r.body).t) });\n';
  const sluice = await runSluice(emulator, queue.name, concurrency, {
    handler,
    isolation,
    observe: (report) => {
      const response = report.response as { latencies?: number[] } | undefined;
      samples.push(...(response?.latencies ?? []));
    },
  });
  // Warm the handler environments before measuring.
  await sendMessages(sqs, queue.url, Array.from({ length: 50 }, () => ({ body: JSON.stringify({ t: Date.now(), warmup: true }) })));
  await until(() => samples.length, 50, 60_000);
  samples.length = 0;
  const RATE = 200;
  const SECONDS = 10;
  const total = RATE * SECONDS;
  const start = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    sends.push(sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify({ t: Date.now(), i }) })));
  }
  await Promise.all(sends);
  await until(() => samples.length, total, 60_000);
  await sluice.shutdown(5_000);
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), n: sorted.length };
}

/**
 * Median CPU per message of each variant, by who spent it (see `_cpu.ts`); then the consumer
 * side's CPU (this process + environments: what a consumer host pays, with SQS elsewhere) of
 * (b) and (c) over each (a)'s, read as a/b and a/c are (above 1: sluice spends less). Those
 * ratios leave out the emulator, whose CPU per message follows how fast it is fed, and vary
 * less from run to run than the rates.
 */
function printCpu(cpu: ReadonlyMap<string, readonly CpuPerMessage[]>): void {
  if (cpu.size === 0) {
    console.log('CPU per message: not measured (needs Linux /proc and an emulator started here)');
    return;
  }
  const median = (values: readonly number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? Number.NaN;
  const consumer = new Map<string, number>();
  console.log('CPU per message, µs (median of rounds): emulator + this process (the consumer) + environments = total; cores busy');
  for (const [name, runs] of cpu) {
    const [emulator, self, environments, busy] = [
      median(runs.map((r) => r.emulator)),
      median(runs.map((r) => r.self)),
      median(runs.map((r) => r.environments)),
      median(runs.map((r) => r.busy)),
    ];
    const total = emulator + self + environments;
    consumer.set(name, median(runs.map((r) => r.self + r.environments)));
    console.log(
      `  ${name.padEnd(36)} ${emulator.toFixed(0).padStart(4)} + ${self.toFixed(0).padStart(4)} + ${environments.toFixed(0).padStart(4)} = ${total.toFixed(0).padStart(4)}; ${(busy * 100).toFixed(0)}%`,
    );
  }
  const sluice = ['(a) sluice, local handler', '(a) sluice, local handler, thread', '(a) sluice, in-process'] as const;
  const over = (baseline: string): string =>
    sluice.map((name, i) => `${((consumer.get(baseline) ?? Number.NaN) / (consumer.get(name) ?? Number.NaN)).toFixed(2)} (${['process', 'thread', 'in-process'][i]})`).join(', ');
  console.log(`consumer-side CPU per message, baseline over sluice (as a/b, a/c): b: ${over('(b) sqs-consumer')}; c: ${over('(c) bare')}`);
}

export default async function bench(args: string[]): Promise<void> {
  const messages = option(args, 'messages', 50_000);
  const concurrency = option(args, 'concurrency', 5);
  const rounds = option(args, 'rounds', 3);
  const emulator = await startEmulator('elasticmq');
  const sqs = sqsClient(emulator);
  try {
    const rate = (ms: number): number => messages / (ms / 1000);
    const meter = cpuMeter(emulator.processGroup);
    const cpu = new Map<string, CpuPerMessage[]>();
    /** Fills a fresh queue, then times `drain` on it (and meters its CPU). */
    const measured =
      (name: string, drain: (queue: { name: string; url: string }, window: DrainWindow) => Promise<number>) =>
      async (): Promise<number> => {
        const queue = await filledQueue(sqs, messages);
        const window = drainWindow(meter);
        const ms = await drain(queue, window);
        const used = window.perMessage(messages);
        if (used) cpu.set(name, [...(cpu.get(name) ?? []), used]);
        return rate(ms);
      };
    console.log(`${messages} messages, batchSize ${BATCH}, concurrency ${concurrency}, ${rounds} rounds, ElasticMQ at ${emulator.endpoint}`);
    const warmup = Math.min(messages, 20_000);
    const warm = await filledQueue(sqs, warmup);
    await bare(sqs, warm.url, warmup, concurrency, drainWindow(undefined));
    const drains = {
      '(c) bare': (q, w) => bare(sqs, q.url, messages, concurrency, w),
      '(b) sqs-consumer': (q, w) => sqsConsumer(sqs, q.url, messages, concurrency, w),
      '(a) sluice, local handler': (q, w) => sluiceDrain(emulator, q.name, messages, concurrency, { isolation: 'process' }, w),
      '(a) sluice, local handler, thread': (q, w) => sluiceDrain(emulator, q.name, messages, concurrency, { isolation: 'thread' }, w),
      '(a) sluice, in-process': (q, w) => sluiceDrain(emulator, q.name, messages, concurrency, { invoker: noopInvoker }, w),
    } satisfies Record<string, Parameters<typeof measured>[1]>;
    const m = await inRounds(
      rounds,
      Object.fromEntries(Object.entries(drains).map(([name, drain]) => [name, measured(name, drain)])) as Record<keyof typeof drains, () => Promise<number>>,
      'msg/s',
    );
    const [c, b, aLocal, aThread, aInProcess] = [
      m['(c) bare'],
      m['(b) sqs-consumer'],
      m['(a) sluice, local handler'],
      m['(a) sluice, local handler, thread'],
      m['(a) sluice, in-process'],
    ];
    console.log(`(c) bare Receive/DeleteMessageBatch loop:   ${c.toFixed(0)} msg/s (median)`);
    console.log(`(b) sqs-consumer handleMessageBatch:        ${b.toFixed(0)} msg/s`);
    console.log(`(a) sluice, local no-op handler:            ${aLocal.toFixed(0)} msg/s (isolation: process, the default)`);
    console.log(`(a) sluice, local no-op handler:            ${aThread.toFixed(0)} msg/s (isolation: thread)`);
    console.log(`(a) sluice, in-process no-op invoker:       ${aInProcess.toFixed(0)} msg/s`);
    const ratios = (base: number): string =>
      `${(aLocal / base).toFixed(2)} (process), ${(aThread / base).toFixed(2)} (thread), ${(aInProcess / base).toFixed(2)} (in-process)`;
    console.log(`a/b: ${ratios(b)}   target >= 1`);
    console.log(`a/c: ${ratios(c)}   target >= 0.9`);
    printCpu(cpu);
    for (const isolation of ['process', 'thread'] as const) {
      const lat = await latency(emulator, sqs, concurrency, isolation);
      console.log(`send-to-handler latency at 200 msg/s (local handler, isolation: ${isolation}, ${lat.n} messages): p50 ${lat.p50} ms, p99 ${lat.p99} ms`);
    }
  } finally {
    sqs.destroy();
    await emulator.stop();
  }
}
