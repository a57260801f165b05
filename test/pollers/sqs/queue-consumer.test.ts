import { describe, expect, it } from 'vitest';
import type { QueuePort } from '../../../pollers/sqs/queue-port.js';
import { runQueueConsumer, type QueueProgress } from '../../../pollers/sqs/queue-consumer.js';
import { MAX_INVOKE_PAYLOAD_BYTES } from '../../../src/batching/payload.js';
import type { Source } from '../../../src/config/types.js';
import { FailureReason, type BatchOutcome } from '../../../src/dispatch/invoke-batch.js';
import { SluiceError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import type { PipelineRecord } from '../../../src/records.js';
import { createReplayQueue } from '../../../src/replay/replay-queue.js';
import { createReceiverScaling, SCALE_DOWN_AFTER_IDLE_MS } from '../../../pollers/sqs/receiver-scaling.js';
import { createFakeClock, flush, type FakeClock } from '../../support/fake-clock.js';
import { makeMapping } from '../../support/mapping.js';
import { sqsRecord } from '../../support/records.js';
import { captureLogger } from './sqs-kit.js';

const SQS_SOURCE: Source = { type: 'sqs', queue: 'orders', waitTimeSeconds: 20 };
const success = (): BatchOutcome => ({ kind: 'success', response: null, requestId: 'r' });
const partial = (failed: readonly PipelineRecord[]): BatchOutcome => ({ kind: 'partial', failed, response: null, requestId: 'r' });
const failure = (): BatchOutcome => ({ kind: 'failure', reason: FailureReason.FunctionError, message: 'boom', requestId: 'r', functionError: 'Unhandled' });

/** A live-like queue: receive long-polls on the fake clock until messages are pushed. */
function createLiveQueue(clock: FakeClock, options: { fifo?: boolean } = {}) {
  const visible: PipelineRecord[] = [];
  const deleted: string[] = [];
  const failed: string[] = [];
  const released: string[] = [];
  const receives: { max: number; wait: number; got: number }[] = [];
  let wake: (() => void) | undefined;
  const port: QueuePort = {
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:orders',
    fifo: options.fifo ?? false,
    finite: false,
    async receive(max, waitTimeSeconds, signal) {
      if (visible.length === 0 && waitTimeSeconds > 0) {
        const poll = new AbortController();
        const pushed = new Promise<void>((resolve) => (wake = resolve));
        await Promise.race([pushed, clock.sleep(waitTimeSeconds * 1000, AbortSignal.any([signal, poll.signal])).catch(() => undefined)]);
        poll.abort();
      }
      const got = visible.splice(0, max);
      receives.push({ max, wait: waitTimeSeconds, got: got.length });
      return got;
    },
    async delete(records) {
      deleted.push(...records.map((r) => r.itemIdentifier));
    },
    async settleFailed(records) {
      failed.push(...records.map((r) => r.itemIdentifier));
    },
    async release(records) {
      released.push(...records.map((r) => r.itemIdentifier));
    },
    exhausted: () => false,
  };
  return {
    port,
    deleted,
    failed,
    released,
    receives,
    push(records: readonly PipelineRecord[]) {
      visible.push(...records);
      wake?.();
    },
  };
}

const messages = (count: number, from = 0, extra: Partial<Parameters<typeof sqsRecord>[0]> = {}) =>
  Array.from({ length: count }, (_, i) => sqsRecord({ id: `m${from + i}`, ...extra }));

describe('runQueueConsumer (with-sqs, services-sqs-errorhandling)', () => {
  it('gathers up to batchSize from several receives; with a window, a batch that is not full waits for it', async () => {
    const clock = createFakeClock();
    const queue = createLiveQueue(clock);
    const batches: { at: number; ids: string[] }[] = [];
    const start = clock.now();
    const stop = new AbortController();
    const consumer = runQueueConsumer(
      {
        mapping: makeMapping({ source: SQS_SOURCE, batchSize: 25, maximumBatchingWindowInSeconds: 2 }),
        queue: queue.port,
        filter: () => true,
        invoke: async (records) => {
          batches.push({ at: clock.now() - start, ids: records.map((r) => r.itemIdentifier) });
          return success();
        },
        clock,
        logger: silentLogger,
      },
      stop.signal,
      new AbortController().signal,
    );
    queue.push(messages(30));
    await flush(10);
    // 10 + 10 + 5 = batchSize: invoked at once, without waiting for the window.
    expect(batches).toEqual([{ at: 0, ids: messages(25).map((m) => m.itemIdentifier) }]);
    expect(queue.receives.slice(0, 3).map((r) => r.max)).toEqual([10, 10, 5]);
    // The other 5 wait for the window (2 s), gathering what arrives meanwhile.
    await clock.advance(1_000);
    queue.push(messages(3, 30));
    await clock.advance(500);
    expect(batches).toHaveLength(1);
    await clock.advance(500);
    expect(batches[1]).toEqual({ at: 2_000, ids: messages(8, 25).map((m) => m.itemIdentifier) });
    expect(queue.deleted).toHaveLength(33);
    stop.abort();
    await clock.run(consumer);
  });

  it('without a window, invokes with what one receive returned', async () => {
    const clock = createFakeClock();
    const queue = createLiveQueue(clock);
    const sizes: number[] = [];
    const stop = new AbortController();
    const consumer = runQueueConsumer(
      {
        mapping: makeMapping({ source: SQS_SOURCE, batchSize: 100, maximumBatchingWindowInSeconds: 0 }),
        queue: queue.port,
        filter: () => true,
        invoke: async (records) => {
          sizes.push(records.length);
          return success();
        },
        clock,
        logger: silentLogger,
      },
      stop.signal,
      new AbortController().signal,
    );
    queue.push(messages(23));
    await flush(10);
    expect(sizes).toEqual([10, 10, 3]);
    stop.abort();
    await clock.run(consumer);
  });

  it('a message that would push the batch over 6 MB opens the next batch, and order is kept', async () => {
    const clock = createFakeClock();
    const queue = createLiveQueue(clock);
    const batches: string[][] = [];
    const stop = new AbortController();
    const consumer = runQueueConsumer(
      {
        mapping: makeMapping({ source: SQS_SOURCE, batchSize: 10, maximumBatchingWindowInSeconds: 0 }),
        queue: queue.port,
        filter: () => true,
        invoke: async (records) => {
          batches.push(records.map((r) => r.itemIdentifier));
          return success();
        },
        clock,
        logger: silentLogger,
      },
      stop.signal,
      new AbortController().signal,
    );
    const mb = 1024 * 1024;
    queue.push([
      sqsRecord({ id: 'a', sizeBytes: 5 * mb }),
      sqsRecord({ id: 'b', sizeBytes: 2 * mb }),
      sqsRecord({ id: 'c', sizeBytes: 100 }),
      sqsRecord({ id: 'd', sizeBytes: 3 * mb }),
      sqsRecord({ id: 'e', sizeBytes: MAX_INVOKE_PAYLOAD_BYTES - 3 * mb - 100 - 14 - 2 }),
      sqsRecord({ id: 'f', sizeBytes: 10 }),
    ]);
    await flush(20);
    // c fits after a by size but must not overtake b.
    expect(batches).toEqual([['a'], ['b', 'c', 'd'], ['e', 'f']]);
    stop.abort();
    await clock.run(consumer);
  });

  it('messages carried over to the next batch (past 6 MB) have their visibility extended at once, not half a timeout later', async () => {
    const clock = createFakeClock(0);
    const queue = createLiveQueue(clock);
    const extended: { at: number; ids: string[] }[] = [];
    const port: QueuePort = {
      ...queue.port,
      visibilityTimeoutSeconds: 10,
      async extendVisibility(records) {
        extended.push({ at: clock.now(), ids: records.map((r) => r.itemIdentifier) });
      },
    };
    const stop = new AbortController();
    const consumer = runQueueConsumer(
      {
        mapping: makeMapping({ source: SQS_SOURCE, batchSize: 10 }),
        queue: port,
        filter: () => true,
        invoke: async () => {
          await clock.sleep(1_000);
          return success();
        },
        clock,
        logger: silentLogger,
      },
      stop.signal,
      new AbortController().signal,
    );
    const mb = 1024 * 1024;
    queue.push([sqsRecord({ id: 'a', sizeBytes: 5 * mb }), sqsRecord({ id: 'b', sizeBytes: 2 * mb })]);
    await clock.advance(1_000);
    await flush(10);
    // The last batch's heartbeat (it would have beaten at 5 s) is gone; b is extended as its own starts.
    expect(extended.find((e) => e.ids.includes('b'))?.at).toBe(1_000);
    stop.abort();
    await clock.run(consumer);
  });

  it('deletes what the filter rejects without invoking, and deletes only the successes of a partial batch', async () => {
    const clock = createFakeClock();
    const queue = createLiveQueue(clock);
    const progress: QueueProgress[] = [];
    const invoked: string[][] = [];
    const stop = new AbortController();
    const consumer = runQueueConsumer(
      {
        mapping: makeMapping({ source: SQS_SOURCE, batchSize: 10 }),
        queue: queue.port,
        filter: (r) => r.itemIdentifier !== 'm1' && r.itemIdentifier !== 'm4',
        invoke: async (records) => {
          invoked.push(records.map((r) => r.itemIdentifier));
          return partial(records.filter((r) => r.itemIdentifier === 'm2' || r.itemIdentifier === 'm5'));
        },
        clock,
        logger: silentLogger,
        onProgress: (e) => progress.push(e),
      },
      stop.signal,
      new AbortController().signal,
    );
    queue.push(messages(6));
    await flush(10);
    expect(invoked).toEqual([['m0', 'm2', 'm3', 'm5']]);
    expect(queue.deleted).toEqual(['m1', 'm4', 'm0', 'm3']);
    expect(queue.failed).toEqual(['m2', 'm5']);
    expect(progress).toEqual([
      { kind: 'received', records: 6 },
      { kind: 'filtered', records: 2 },
      { kind: 'deleted', records: 2 },
      { kind: 'failed', records: 2 },
    ]);
    stop.abort();
    await clock.run(consumer);
  });

  it('a function error deletes nothing: every message returns to the queue', async () => {
    const clock = createFakeClock();
    const queue = createLiveQueue(clock);
    const stop = new AbortController();
    const consumer = runQueueConsumer(
      { mapping: makeMapping({ source: SQS_SOURCE }), queue: queue.port, filter: () => true, invoke: async () => failure(), clock, logger: silentLogger },
      stop.signal,
      new AbortController().signal,
    );
    queue.push(messages(3));
    await flush(10);
    expect(queue.deleted).toEqual([]);
    expect(queue.failed).toEqual(['m0', 'm1', 'm2']);
    stop.abort();
    await clock.run(consumer);
  });

  it('FIFO: a reported failure keeps every later message of its group failed, other groups are unaffected', async () => {
    const clock = createFakeClock();
    const queue = createLiveQueue(clock, { fifo: true });
    const stop = new AbortController();
    const batch = [
      sqsRecord({ id: 'a1', group: 'a' }),
      sqsRecord({ id: 'b1', group: 'b' }),
      sqsRecord({ id: 'a2', group: 'a' }),
      sqsRecord({ id: 'b2', group: 'b' }),
      sqsRecord({ id: 'a3', group: 'a' }),
    ];
    const consumer = runQueueConsumer(
      {
        mapping: makeMapping({ source: SQS_SOURCE }),
        queue: queue.port,
        filter: () => true,
        invoke: async (records) => partial(records.filter((r) => r.itemIdentifier === 'a2')),
        clock,
        logger: silentLogger,
      },
      stop.signal,
      new AbortController().signal,
    );
    queue.push(batch);
    await flush(10);
    expect(queue.deleted).toEqual(['a1', 'b1', 'b2']);
    expect(queue.failed).toEqual(['a2', 'a3']);
    stop.abort();
    await clock.run(consumer);
  });

  it('stop: the in-flight batch finishes and is settled; the consumer ends', async () => {
    const clock = createFakeClock();
    const queue = createLiveQueue(clock);
    const stop = new AbortController();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const consumer = runQueueConsumer(
      {
        mapping: makeMapping({ source: SQS_SOURCE, batchSize: 5 }),
        queue: queue.port,
        filter: () => true,
        invoke: async () => {
          await held;
          return success();
        },
        clock,
        logger: silentLogger,
      },
      stop.signal,
      new AbortController().signal,
    );
    queue.push(messages(12));
    await flush(10);
    stop.abort();
    release();
    await clock.run(consumer);
    expect(queue.deleted).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('stop: a batch still being gathered is released and its heartbeat no longer hides it, while another loop finishes its batch', async () => {
    const clock = createFakeClock(0);
    const queue = createLiveQueue(clock);
    const extended: { at: number; ids: string[] }[] = [];
    const releasedAt: number[] = [];
    const port: QueuePort = {
      ...queue.port,
      visibilityTimeoutSeconds: 2,
      async extendVisibility(records) {
        extended.push({ at: clock.now(), ids: records.map((r) => r.itemIdentifier) });
      },
      async release(records, signal) {
        releasedAt.push(clock.now());
        await queue.port.release(records, signal);
      },
    };
    const stop = new AbortController();
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    // The first loop takes a full batch (m0, m1) and invokes; the second gathers m2 within its window.
    queue.push(messages(3));
    const consumer = runQueueConsumer(
      {
        mapping: makeMapping({ source: SQS_SOURCE, batchSize: 2, maximumBatchingWindowInSeconds: 10 }),
        queue: port,
        filter: () => true,
        invoke: async () => {
          await held;
          return success();
        },
        clock,
        logger: silentLogger,
        receivers: 2,
      },
      stop.signal,
      new AbortController().signal,
    );
    await flush(10);
    await clock.advance(500);
    stop.abort();
    await flush(10);
    expect(queue.released).toEqual(['m2']);
    // The invoking loop keeps the receive gate open for seconds: m2 must stay visible meanwhile.
    await clock.advance(5_000);
    finish();
    await clock.run(consumer);
    expect(extended.filter((e) => e.ids.includes('m2') && e.at >= (releasedAt[0] ?? 0))).toEqual([]);
    expect(extended.some((e) => e.ids.includes('m0'))).toBe(true);
    expect(queue.deleted).toEqual(['m0', 'm1']);
  });

  it('over a replay queue: a message failing every time is received with ApproximateReceiveCount 1, 2, then dead-lettered by maxReceiveCount 2', async () => {
    const clock = createFakeClock();
    const ids = ['m0', 'm1', 'bad', 'm3'];
    const queue = createReplayQueue({
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:orders',
      fifo: false,
      messages: ids.length,
      maxReceiveCount: 2,
      maxAttempts: 3,
      receiveAs: (index, receiveCount) => sqsRecord({ id: ids[index] as string, receiveCount }),
    });
    const seen: string[][] = [];
    await clock.run(
      runQueueConsumer(
        {
          mapping: makeMapping({ source: SQS_SOURCE, batchSize: 10 }),
          queue,
          filter: () => true,
          invoke: async (records) => {
            seen.push(records.map((r) => `${r.itemIdentifier}#${(r.event['attributes'] as Record<string, string>)['ApproximateReceiveCount']}`));
            return partial(records.filter((r) => r.itemIdentifier === 'bad'));
          },
          clock,
          logger: silentLogger,
        },
        new AbortController().signal,
        new AbortController().signal,
      ),
    );
    expect(seen).toEqual([['m0#1', 'm1#1', 'bad#1', 'm3#1'], ['bad#2']]);
    expect(queue.stats.deadLettered.map((r) => r.itemIdentifier)).toEqual(['bad']);
    expect(queue.stats.abandoned).toEqual([]);
    expect(queue.exhausted()).toBe(true);
  });

  it('over a replay queue with several receive loops, every message is processed exactly once', async () => {
    const clock = createFakeClock();
    const queue = createReplayQueue({
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:orders',
      fifo: false,
      messages: 95,
      maxAttempts: 3,
      receiveAs: (index, receiveCount) => sqsRecord({ id: `m${index}`, receiveCount }),
    });
    const seen: string[] = [];
    await clock.run(
      runQueueConsumer(
        {
          mapping: makeMapping({ source: SQS_SOURCE, batchSize: 10 }),
          queue,
          filter: () => true,
          receivers: 3,
          invoke: async (records) => {
            seen.push(...records.map((r) => r.itemIdentifier));
            await flush(1);
            return success();
          },
          clock,
          logger: silentLogger,
        },
        new AbortController().signal,
        new AbortController().signal,
      ),
    );
    expect([...seen].sort()).toEqual(Array.from({ length: 95 }, (_, i) => `m${i}`).sort());
  });

  it('a batch gathering in a window is invoked when the window ends, even while the queue keeps failing (an outage)', async () => {
    const clock = createFakeClock();
    let receives = 0;
    const invoked: string[][] = [];
    const port: QueuePort = {
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:orders',
      fifo: false,
      finite: false,
      async receive(_max, _wait, signal, retryForMs) {
        receives += 1;
        if (receives === 1) return messages(1);
        // As sqs-queue.ts retries a refused connection: until the signal aborts, or retryForMs.
        const gaveUp = retryForMs === undefined ? new Promise<never>(() => undefined) : clock.sleep(retryForMs);
        await Promise.race([gaveUp, new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))]);
        throw new SluiceError('SqsUnavailable', 'ReceiveMessage: ECONNREFUSED', { retryable: true });
      },
      delete: async () => undefined,
      settleFailed: async () => undefined,
      release: async () => undefined,
      exhausted: () => false,
    };
    const stop = new AbortController();
    const run = runQueueConsumer(
      {
        mapping: makeMapping({ source: SQS_SOURCE, batchSize: 10, maximumBatchingWindowInSeconds: 2 }),
        queue: port,
        filter: () => true,
        invoke: async (records) => {
          invoked.push(records.map((r) => r.itemIdentifier));
          return success();
        },
        clock,
        logger: silentLogger,
        receivers: 1,
      },
      stop.signal,
      new AbortController().signal,
    );
    await clock.advance(2_000);
    expect(invoked).toEqual([['m0']]);
    stop.abort();
    await clock.run(run);
  });

  it('a receive loop failing on an error no retry cures is logged at once, while another loop finishes its batch; then the consumer fails', async () => {
    const clock = createFakeClock();
    const logs = captureLogger();
    let calls = 0;
    let finishInvoke: () => void = () => undefined;
    const port: QueuePort = {
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:orders',
      fifo: false,
      finite: false,
      async receive() {
        calls += 1;
        if (calls === 1) return messages(1);
        throw new Error('boom');
      },
      delete: async () => undefined,
      settleFailed: async () => undefined,
      release: async () => undefined,
      exhausted: () => false,
    };
    const run = runQueueConsumer(
      {
        mapping: makeMapping({ source: SQS_SOURCE, batchSize: 1 }),
        queue: port,
        filter: () => true,
        invoke: () => new Promise<BatchOutcome>((resolve) => (finishInvoke = () => resolve(success()))),
        clock,
        logger: logs.logger,
        receivers: 2,
      },
      new AbortController().signal,
      new AbortController().signal,
    );
    const outcome = run.then(
      () => 'ended',
      (err: unknown) => (err as Error).message,
    );
    await clock.advance(60_000);
    expect(logs.lines().filter((l) => l['level'] === 50).map((l) => l['msg'])).toEqual([
      'an SQS receive loop failed: the mapping stops once its batches in flight finish',
    ]);
    finishInvoke();
    await clock.runAll();
    expect(await outcome).toBe('boom');
  });

  describe('with receive loops scaled (services-sqs-scaling)', () => {
    /** A consumer over a live-like queue, scaled from 2 idle loops up to 20, three at a time. */
    const scaledConsumer = (source: Source, waiting: readonly PipelineRecord[] = []) => {
      const clock = createFakeClock();
      const queue = createLiveQueue(clock);
      queue.push(waiting);
      const logs = captureLogger();
      const scaling = createReceiverScaling({ maximumConcurrency: 20, idle: 2, step: 3, logger: logs.logger, clock });
      const stop = new AbortController();
      const run = runQueueConsumer(
        {
          mapping: makeMapping({ source, batchSize: 10 }),
          queue: queue.port,
          filter: () => true,
          invoke: async () => success(),
          clock,
          logger: silentLogger,
          scaling,
        },
        stop.signal,
        new AbortController().signal,
      );
      return { clock, queue, logs, scaling, stop, run };
    };

    it('short polling (waitTimeSeconds 0): the loops go back to their idle number once the queue stays empty, pausing between empty polls', async () => {
      const { clock, queue, scaling, stop, run } = scaledConsumer({ ...SQS_SOURCE, waitTimeSeconds: 0 }, messages(60));
      await flush(20);
      expect(scaling.active).toBeGreaterThan(2);
      const receivesBefore = queue.receives.length;
      await clock.advance(SCALE_DOWN_AFTER_IDLE_MS + 1_000);
      expect(scaling.active).toBe(2);
      // At most one empty poll per loop per pause, not a busy loop.
      expect(queue.receives.length - receivesBefore).toBeLessThan(20 * ((SCALE_DOWN_AFTER_IDLE_MS + 1_000) / 200));
      stop.abort();
      await clock.run(run);
    });

    it('messages a poll left open after stop returns start no loop: no scaling decision, and no loop counted', async () => {
      const { clock, queue, logs, scaling, stop, run } = scaledConsumer(SQS_SOURCE);
      await flush(10);
      stop.abort();
      queue.push(messages(3));
      await clock.run(run);
      expect(queue.released.sort()).toEqual(['m0', 'm1', 'm2']);
      expect(scaling.active).toBe(0);
      expect(logs.lines().filter((l) => l['reason'] === 'messages available')).toEqual([]);
    });
  });
});
