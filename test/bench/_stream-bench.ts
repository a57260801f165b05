/**
 * Shared by `bench kinesis` and `bench dynamodb`: drains a filled stream with sluice (an
 * in-process no-op invoker, batchSize 100, file checkpoints) and measures put-to-handler
 * latency at a steady rate.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/index.js';
import type { Invoker, InvokeResult } from '../../src/invokers/invoker.js';
import { startSluice } from '../../src/runtime/sluice.js';
import { createFileCheckpointStore } from '../../src/state/file-checkpoint-store.js';
import { createMemoryCheckpointStore } from '../../src/state/memory-checkpoint-store.js';
import type { Emulator } from '../harness/index.js';

export interface CountingInvoker extends Invoker {
  readonly count: number;
  onRecords?: (records: readonly unknown[], at: number) => void;
  until(n: number): Promise<void>;
}

export function countingInvoker(): CountingInvoker {
  let count = 0;
  let waiter: { n: number; resolve: () => void } | undefined;
  const invoker: CountingInvoker = {
    get count() {
      return count;
    },
    async invoke(event: unknown): Promise<InvokeResult> {
      const records = (event as { Records: unknown[] }).Records;
      count += records.length;
      invoker.onRecords?.(records, performance.timeOrigin + performance.now());
      if (waiter && count >= waiter.n) waiter.resolve();
      return { status: 'success', requestId: 'bench', durationMs: 0, payload: null };
    },
    until(n) {
      if (count >= n) return Promise.resolve();
      return new Promise((resolve) => (waiter = { n, resolve }));
    },
    async close() {},
  };
  return invoker;
}

/** Starts sluice on one mapping of `source` and resolves with the records/second it drained `records` at. */
export async function sluiceDrain(
  emulator: Emulator,
  source: string,
  records: number,
  invoker: CountingInvoker,
  checkpoints: 'file' | 'memory' = 'file',
  startingPosition: 'TRIM_HORIZON' | 'LATEST' = 'TRIM_HORIZON',
): Promise<{ perSecond: number; shutdown: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-stream-'));
  writeFileSync(join(dir, 'noop.mjs'), 'export const handler = async () => null;\n');
  writeFileSync(
    join(dir, 'sluice.yaml'),
    [
      `region: ${emulator.region}`,
      'account: "000000000000"',
      `endpoint: ${emulator.endpoint}`,
      'http: { port: 0 }',
      'functions:',
      '  noop: { handler: ./noop.handler }',
      'mappings:',
      '  - name: bench',
      '    function: noop',
      `    source: ${source}`,
      '    batchSize: 100',
      `    startingPosition: ${startingPosition}`,
      '',
    ].join('\n'),
  );
  const config = await loadConfig(join(dir, 'sluice.yaml'), { env: {}, checkHandlers: false });
  const started = performance.now();
  const sluice = await startSluice({
    config,
    logger: pino({ level: 'silent' }),
    mode: 'run',
    env: {},
    invokers: new Map([['noop', invoker]]),
    checkpoints: checkpoints === 'file' ? createFileCheckpointStore(join(dir, 'state')) : createMemoryCheckpointStore(),
  });
  await invoker.until(records);
  const ended = performance.now();
  const perSecond = records / ((ended - started) / 1000);
  return {
    perSecond,
    shutdown: async () => {
      await sluice.shutdown(5_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One drain of `records` by a fresh mapping (its own checkpoints, from TRIM_HORIZON): its records/second. */
export async function drainRate(emulator: Emulator, source: string, records: number, checkpoints: 'file' | 'memory'): Promise<number> {
  const drained = await sluiceDrain(emulator, source, records, countingInvoker(), checkpoints);
  await drained.shutdown();
  return drained.perSecond;
}

/** p50 and p99 of `values`. */
export function percentiles(values: readonly number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

/** Puts a warm-up record every 200 ms until the mapping has delivered one (it reads from LATEST). */
export async function untilReading(invoker: CountingInvoker, putWarmUp: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (invoker.count === 0) {
    if (Date.now() > deadline) throw new Error('the latency mapping delivered nothing within 30 s');
    await putWarmUp();
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Puts one record every `intervalMs` for `count` records with `put(sentAt)`, and
 * resolves with each record's put-to-handler latency (`sentAt` comes back through `received`).
 */
export async function steadyLatency(
  invoker: CountingInvoker,
  count: number,
  intervalMs: number,
  put: (sentAt: number) => Promise<void>,
  sentAtOf: (record: unknown) => number | undefined,
): Promise<number[]> {
  const latencies: number[] = [];
  invoker.onRecords = (records, at) => {
    for (const r of records) {
      const sent = sentAtOf(r);
      if (sent !== undefined) latencies.push(at - sent);
    }
  };
  for (let i = 0; i < count; i += 1) {
    void put(Date.now());
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const deadline = Date.now() + 30_000;
  while (latencies.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return latencies;
}

export function report(
  name: string,
  records: number,
  rounds: number,
  rates: { readonly bare: number; readonly file: number; readonly memory: number },
  latency: { p50: number; p99: number },
  samples: number,
): void {
  const { bare } = rates;
  console.log(`${name}: ${records} records in one shard, batchSize 100, no-op in-process handler, medians of ${rounds} rounds`);
  console.log(`  bare GetShardIterator/GetRecords loop:   ${Math.round(bare)} records/s`);
  console.log(`  sluice, file checkpoints (the default):  ${Math.round(rates.file)} records/s, ratio ${(rates.file / bare).toFixed(2)} (target >= 0.9)`);
  console.log(`  sluice, in-memory checkpoints:           ${Math.round(rates.memory)} records/s, ratio ${(rates.memory / bare).toFixed(2)}`);
  console.log(`  put-to-handler latency over ${samples} records at a steady rate: p50 ${Math.round(latency.p50)} ms, p99 ${Math.round(latency.p99)} ms`);
}
