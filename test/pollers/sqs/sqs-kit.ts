/**
 * Shared pieces of the SQS integration tests: queues on an emulator, fast parallel sends,
 * a recording in-process invoker, a captured logger, and sluice started from a YAML config.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type Message,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config/index.js';
import type { Invoker, InvokeOptions, InvokeResult } from '../../../src/invokers/invoker.js';
import type { Logger } from '../../../src/log.js';
import { startSluice, type Sluice } from '../../../src/runtime/sluice.js';
import { clientConfig, type Emulator } from '../../harness/index.js';

export function sqsClient(emulator: Emulator): SQSClient {
  return new SQSClient(clientConfig(emulator));
}

/** A unique queue name (tests share one emulator per file). */
export function queueName(prefix: string, fifo = false): string {
  return `${prefix}-${randomUUID().slice(0, 8)}${fifo ? '.fifo' : ''}`;
}

export interface TestQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
}

export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<TestQueue> {
  const fifo = name.endsWith('.fifo');
  const created = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: { ...(fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {}), ...attributes },
    }),
  );
  const url = created.QueueUrl ?? '';
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { name, url, arn: attrs.Attributes?.['QueueArn'] ?? '' };
}

/** A queue with a dead-letter queue (`RedrivePolicy` with `maxReceiveCount`). */
export async function createQueueWithDlq(
  sqs: SQSClient,
  prefix: string,
  options: { readonly maxReceiveCount: number; readonly visibilityTimeout: number; readonly fifo?: boolean },
): Promise<{ readonly queue: TestQueue; readonly dlq: TestQueue }> {
  const dlq = await createQueue(sqs, queueName(`${prefix}-dlq`, options.fifo));
  const queue = await createQueue(sqs, queueName(prefix, options.fifo), {
    VisibilityTimeout: String(options.visibilityTimeout),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: options.maxReceiveCount }),
  });
  return { queue, dlq };
}

export interface OutgoingMessage {
  readonly body: string;
  readonly groupId?: string;
  readonly attributes?: Record<string, MessageAttributeValue>;
}

/**
 * SendMessageBatch in requests of 10, `parallel` at once; returns the message ids. FIFO
 * messages are sent one request after another so each group keeps its order.
 */
export async function sendMessages(sqs: SQSClient, queueUrl: string, messages: readonly OutgoingMessage[], parallel = 16): Promise<string[]> {
  const chunks: OutgoingMessage[][] = [];
  for (let i = 0; i < messages.length; i += 10) chunks.push(messages.slice(i, i + 10));
  const fifo = queueUrl.endsWith('.fifo');
  const ids: string[] = [];
  const sendChunk = async (chunk: readonly OutgoingMessage[]): Promise<void> => {
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((m, i) => ({
          Id: String(i),
          MessageBody: m.body,
          ...(m.groupId === undefined ? {} : { MessageGroupId: m.groupId }),
          ...(m.attributes === undefined ? {} : { MessageAttributes: m.attributes }),
        })),
      }),
    );
    if ((result.Failed ?? []).length > 0) throw new Error(`SendMessageBatch failed: ${JSON.stringify(result.Failed)}`);
    for (const entry of result.Successful ?? []) if (entry.MessageId !== undefined) ids.push(entry.MessageId);
  };
  if (fifo) {
    for (const chunk of chunks) await sendChunk(chunk);
    return ids;
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, chunks.length) }, async () => {
      while (next < chunks.length) {
        const chunk = chunks[next] as OutgoingMessage[];
        next += 1;
        await sendChunk(chunk);
      }
    }),
  );
  return ids;
}

/** Receives everything visible (hiding it for a minute) until a receive comes back empty. */
export async function drain(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60, MessageSystemAttributeNames: ['All'] }),
    );
    const messages = got.Messages ?? [];
    if (messages.length === 0) return all;
    all.push(...messages);
  }
}

/** Visible plus in-flight messages, as the queue reports them. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(attrs.Attributes?.['ApproximateNumberOfMessages'] ?? 0) + Number(attrs.Attributes?.['ApproximateNumberOfMessagesNotVisible'] ?? 0);
}

/** A Lambda SQS record as the tests read it. */
export interface SqsEventRecord {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
}

export interface RecordedInvocation {
  readonly records: readonly SqsEventRecord[];
  readonly startedAt: number;
  endedAt?: number;
}

/** An in-process invoker that records every event and answers with `respond`. */
export interface RecordingInvoker extends Invoker {
  readonly invocations: readonly RecordedInvocation[];
  /** Resolves once `predicate` holds (checked as every invocation starts and ends), or rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  /** Invocations running now, and the most there ever were at once. */
  readonly running: number;
  readonly maxRunning: number;
}

export function recordingInvoker(
  respond: (records: readonly SqsEventRecord[], signal: AbortSignal | undefined, call: number) => unknown = () => null,
): RecordingInvoker {
  const invocations: RecordedInvocation[] = [];
  const waiters = new Set<() => void>();
  let running = 0;
  let maxRunning = 0;
  let calls = 0;
  const notify = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  return {
    invocations,
    get running() {
      return running;
    },
    get maxRunning() {
      return maxRunning;
    },
    async invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
      const records = (event as { Records: SqsEventRecord[] }).Records;
      const invocation: RecordedInvocation = { records, startedAt: Date.now() };
      invocations.push(invocation);
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      calls += 1;
      notify();
      try {
        const payload = await respond(records, options.signal, calls);
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
        invocation.endedAt = Date.now();
        notify();
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

/** Resolves after `ms`, or rejects with the signal's reason: what a handler that takes time does. */
export function work(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Polls `check` (an emulator's state has no events) until it holds, failing after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A pino logger writing JSON lines into memory. */
export interface CapturedLogger {
  readonly logger: Logger;
  readonly lines: () => readonly Record<string, unknown>[];
  readonly messages: () => readonly string[];
}

export function captureLogger(level = 'info'): CapturedLogger {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return {
    logger: pino({ level, base: null }, sink),
    lines: () => lines,
    messages: () => lines.map((l) => String(l['msg'])),
  };
}

export interface QueueMappingOptions {
  readonly queue: string;
  readonly batchSize?: number;
  readonly window?: number;
  readonly maximumConcurrency?: number;
  readonly provisionedPollers?: { readonly minimumPollers?: number; readonly maximumPollers?: number };
  readonly reportBatchItemFailures?: boolean;
  readonly filterPattern?: unknown;
  readonly waitTimeSeconds?: number;
  readonly functionTimeout?: number;
}

/** The YAML of a config with one function `fn` (a no-op handler file) and one SQS mapping. */
export async function writeQueueConfig(emulator: Emulator, options: QueueMappingOptions, handlerSource?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-sqs-int-'));
  await writeFile(join(dir, 'handler.mjs'), handlerSource ?? 'export const handler = async () => null;\n');
  const lines = [
    `region: ${emulator.region}`,
    'account: "000000000000"',
    `endpoint: ${emulator.endpoint}`,
    // Ops endpoints on a free port: test files run in parallel.
    'http: { port: 0 }',
    'functions:',
    '  fn:',
    '    handler: ./handler.handler',
    `    timeout: ${options.functionTimeout ?? 3}`,
    'mappings:',
    '  - name: queue',
    '    function: fn',
    `    source: { type: sqs, queue: "${options.queue}"${options.waitTimeSeconds === undefined ? '' : `, waitTimeSeconds: ${options.waitTimeSeconds}`} }`,
    `    batchSize: ${options.batchSize ?? 10}`,
    ...(options.window === undefined ? [] : [`    maximumBatchingWindowInSeconds: ${options.window}`]),
    ...(options.maximumConcurrency === undefined ? [] : [`    scalingConfig: { maximumConcurrency: ${options.maximumConcurrency} }`]),
    ...(options.provisionedPollers === undefined ? [] : [`    provisionedPollerConfig: ${JSON.stringify(options.provisionedPollers)}`]),
    ...(options.reportBatchItemFailures ? ['    functionResponseTypes: [ReportBatchItemFailures]'] : []),
    ...(options.filterPattern === undefined ? [] : ['    filterCriteria:', '      filters:', `        - pattern: '${JSON.stringify(options.filterPattern)}'`]),
  ];
  const file = join(dir, 'sluice.yaml');
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

/** Starts sluice on a one-mapping config, with `invoker` standing in for function `fn`. */
export async function startQueueSluice(
  emulator: Emulator,
  options: QueueMappingOptions,
  invoker: Invoker,
  logger: Logger = captureLogger().logger,
): Promise<Sluice> {
  const file = await writeQueueConfig(emulator, options);
  const config = await loadConfig(file, { env: {}, checkHandlers: false });
  return startSluice({ config, logger, mode: 'run', env: {}, invokers: new Map([['fn', invoker]]) });
}
