/**
 * Shared pieces of the stream integration tests: streams on kinesis-local, fast parallel
 * PutRecords, a recording in-process invoker, and sluice started from a YAML config.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { pino } from 'pino';
import type { Clock } from '../../../src/clock.js';
import { loadConfig } from '../../../src/config/index.js';
import type { DestinationSender } from '../../../src/dispatch/destinations.js';
import type { Invoker, InvokeOptions, InvokeResult } from '../../../src/invokers/invoker.js';
import { startSluice, type Sluice } from '../../../src/runtime/sluice.js';
import { createFileCheckpointStore } from '../../../src/state/file-checkpoint-store.js';
import { clientConfig, type Emulator } from '../../harness/index.js';

export function kinesisClient(emulator: Emulator): KinesisClient {
  return new KinesisClient(clientConfig(emulator));
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Polls `check` (an emulator's state has no events) until it holds, failing after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function waitActive(kinesis: KinesisClient, stream: string): Promise<void> {
  await eventually(
    async () => {
      const d = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
      return d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' ? true : undefined;
    },
    30_000,
    `stream ${stream} ACTIVE`,
  );
}

export async function createStream(kinesis: KinesisClient, stream: string, shards = 1): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shards }));
  await waitActive(kinesis, stream);
}

export interface OutgoingRecord {
  readonly key: string;
  readonly data: string;
}

/**
 * PutRecords in requests of 500, `parallel` at once. Records of one key must keep their
 * order, so a key's records are put by one sender only (keys are spread over senders),
 * each sender putting its requests one after another.
 */
export async function putRecords(kinesis: KinesisClient, stream: string, records: readonly OutgoingRecord[], parallel = 8): Promise<void> {
  const perSender: OutgoingRecord[][] = Array.from({ length: parallel }, () => []);
  for (const record of records) (perSender[hashString(record.key) % parallel] as OutgoingRecord[]).push(record);
  await Promise.all(
    perSender.map(async (own) => {
      for (let i = 0; i < own.length; i += 500) {
        let chunk = own.slice(i, i + 500);
        while (chunk.length > 0) {
          const result = await kinesis.send(
            new PutRecordsCommand({
              StreamName: stream,
              Records: chunk.map((r) => ({ PartitionKey: r.key, Data: Buffer.from(r.data) })),
            }),
          );
          // A throttled entry is put again, with every later one of the chunk (order per key).
          const firstFailed = (result.Records ?? []).findIndex((r) => r.ErrorCode !== undefined);
          chunk = firstFailed === -1 ? [] : chunk.slice(firstFailed);
        }
      }
    }),
  );
}

function hashString(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) >>> 0;
  return hash;
}

/** A Lambda Kinesis record as the tests read it. */
export interface KinesisEventRecord {
  readonly eventID: string;
  readonly eventSourceARN: string;
  readonly kinesis: { readonly partitionKey: string; readonly data: string; readonly sequenceNumber: string };
}

export interface Delivered {
  readonly shardId: string;
  readonly key: string;
  readonly data: string;
  readonly sequenceNumber: string;
}

export function delivered(record: unknown): Delivered {
  const r = record as KinesisEventRecord;
  return {
    shardId: r.eventID.split(':')[0] ?? '',
    key: r.kinesis.partitionKey,
    data: Buffer.from(r.kinesis.data, 'base64').toString('utf8'),
    sequenceNumber: r.kinesis.sequenceNumber,
  };
}

export interface RecordedInvocation {
  readonly event: Record<string, unknown>;
  readonly records: readonly unknown[];
  readonly startedAt: number;
  endedAt?: number;
}

/** An in-process invoker that records every event and answers with `respond` (a throw is a function error). */
export interface RecordingInvoker extends Invoker {
  readonly invocations: readonly RecordedInvocation[];
  /** Resolves once `predicate` holds (checked after every invocation), or rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  readonly maxRunning: number;
}

export function recordingInvoker(
  respond: (event: Record<string, unknown>, records: readonly unknown[]) => unknown | Promise<unknown> = () => null,
): RecordingInvoker {
  const invocations: RecordedInvocation[] = [];
  const waiters = new Set<() => void>();
  let running = 0;
  let maxRunning = 0;
  return {
    invocations,
    get maxRunning() {
      return maxRunning;
    },
    async invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
      const ev = event as Record<string, unknown>;
      const records = (ev['Records'] as unknown[] | undefined) ?? [];
      const invocation: RecordedInvocation = { event: ev, records, startedAt: performance.now() };
      invocations.push(invocation);
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      try {
        const payload = await respond(ev, records);
        return { status: 'success', requestId: randomUUID(), durationMs: 0, payload };
      } catch (err) {
        if (options.signal?.aborted) throw err;
        const error = err instanceof Error ? err : new Error(String(err));
        return {
          status: 'function-error',
          requestId: randomUUID(),
          durationMs: 0,
          functionError: 'Unhandled',
          error: { errorType: error.name, errorMessage: error.message },
        };
      } finally {
        running -= 1;
        invocation.endedAt = performance.now();
        for (const waiter of [...waiters]) waiter();
      }
    },
    until(predicate, timeoutMs = 60_000, what = 'condition') {
      return new Promise<void>((resolve, reject) => {
        if (predicate()) {
          resolve();
          return;
        }
        const check = (): void => {
          if (!predicate()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${invocations.length} invocations so far)`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    async close() {},
  };
}

/** Every record of every invocation, in invocation start order. */
export function allRecords(invoker: RecordingInvoker): unknown[] {
  return invoker.invocations.flatMap((i) => i.records);
}

/**
 * Checks that, in delivery order, the payload counter (`KEY:N`) of every key only grows,
 * and returns how many records were delivered per key.
 */
export function assertOrderPerKey(records: readonly Delivered[]): Map<string, number> {
  const last = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const r of records) {
    const n = Number(r.data.split(':')[1]);
    const previous = last.get(r.key) ?? -1;
    if (n <= previous) throw new Error(`key ${r.key}: ${n} delivered after ${previous}`);
    last.set(r.key, n);
    counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
  }
  return counts;
}

/** `count` records over `keys` keys, each payload `KEY:N` with N counting up per key. */
export function keyedRecords(count: number, keys: number, prefix = 'k'): OutgoingRecord[] {
  const next = new Map<string, number>();
  return Array.from({ length: count }, (_, i) => {
    const key = `${prefix}${i % keys}`;
    const n = next.get(key) ?? 0;
    next.set(key, n + 1);
    return { key, data: `${key}:${n}` };
  });
}

export interface StreamMappingOptions {
  readonly source: string;
  readonly batchSize?: number;
  readonly parallelizationFactor?: number;
  readonly extra?: readonly string[];
}

/** A temporary directory with a sluice YAML config of one function `fn` and one stream mapping. */
export async function writeStreamConfig(
  emulator: Emulator,
  options: StreamMappingOptions,
  handlerSource?: (dir: string) => string,
): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-stream-int-'));
  await writeFile(join(dir, 'handler.mjs'), handlerSource?.(dir) ?? 'export const handler = async () => null;\n');
  const lines = [
    `region: ${emulator.region}`,
    'account: "000000000000"',
    `endpoint: ${emulator.endpoint}`,
    `stateDir: ${join(dir, 'state')}`,
    // Any free port: test files run in parallel, each with its own sluice.
    'http: { port: 0 }',
    'functions:',
    '  fn:',
    '    handler: ./handler.handler',
    '    timeout: 10',
    'mappings:',
    '  - name: stream',
    '    function: fn',
    `    source: ${options.source}`,
    `    batchSize: ${options.batchSize ?? 100}`,
    '    startingPosition: TRIM_HORIZON',
    ...(options.parallelizationFactor === undefined ? [] : [`    parallelizationFactor: ${options.parallelizationFactor}`]),
    ...(options.extra ?? []).map((l) => `    ${l}`),
  ];
  const file = join(dir, 'sluice.yaml');
  await writeFile(file, `${lines.join('\n')}\n`);
  return { dir, file };
}

export interface StartOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: Clock;
  readonly sendToDestination?: DestinationSender;
}

/** Starts sluice on a one-mapping config, `invoker` standing in for `fn`, checkpoints in the config's directory. */
export async function startStreamSluice(
  emulator: Emulator,
  options: StreamMappingOptions,
  invoker: Invoker,
  start: StartOptions = {},
): Promise<{ sluice: Sluice; dir: string }> {
  const { dir, file } = await writeStreamConfig(emulator, options);
  const env = start.env ?? {};
  const config = await loadConfig(file, { env, checkHandlers: false });
  const sluice = await startSluice({
    config,
    logger: pino({ level: process.env['SLUICE_TEST_LOG'] ?? 'silent' }),
    mode: 'run',
    env,
    invokers: new Map([['fn', invoker]]),
    checkpoints: createFileCheckpointStore(join(dir, 'state')),
    ...(start.clock ? { clock: start.clock } : {}),
    ...(start.sendToDestination ? { sendToDestination: start.sendToDestination } : {}),
  });
  return { sluice, dir };
}
