import type { Mapping } from '../config/types.js';
import type { MappingStats } from '../runtime/mapping-stats.js';
import type { RuntimeContext } from '../runtime/runtime-context.js';
import { createAsyncDispatcher } from './async-dispatcher.js';
import { createAsyncQueue, DEFAULT_QUEUE_SIZE, type OfferResult } from './async-queue.js';
import { limitConcurrency } from './limit-concurrency.js';

/** The invoke payload of a push event: `{ Records: [...] }` (S3, SNS) or a Scheduled Event. */
export type PushEvent = object;

/** Where a push mapping's sources put events: the mapping's bounded asynchronous queue. */
export interface AsyncIntake {
  /**
   * Accepts the event into the queue (counting `records` into the stats) unless the queue is
   * full or closed; the event is then invoked in the background under the async rules.
   */
  offer(event: PushEvent, records: number, describe?: Readonly<Record<string, unknown>>): OfferResult;
  /** Stops accepting, waits for every accepted event (the grace period's `abort` interrupts the wait), then resolves. */
  drain(abort: AbortSignal): Promise<void>;
  /** Events accepted and not yet finished. */
  readonly size: number;
}

/** Concurrent invocations per push mapping unless told otherwise. */
export const DEFAULT_PUSH_CONCURRENCY = 10;

/**
 * A push mapping's intake: a bounded queue (`queueSize` of the source, default 1,000) whose
 * events go through the shared asynchronous dispatcher, at most `concurrency` invocations at
 * once. The event age of `maximumEventAgeInSeconds` counts from the moment it was accepted.
 */
export function createAsyncIntake(mapping: Mapping, ctx: RuntimeContext, stats: MappingStats): AsyncIntake {
  const logger = ctx.logger.child({ mapping: mapping.name });
  const settings = ctx.pushSettings ?? {};
  const invoker = ctx.invokers.get(mapping.function);
  if (!invoker) throw new Error(`mapping "${mapping.name}" names function "${mapping.function}", which has no invoker`);
  const dispatcher = createAsyncDispatcher(mapping, ctx, stats, {
    logger,
    invoker: limitConcurrency(invoker, settings.concurrency ?? DEFAULT_PUSH_CONCURRENCY),
    ...(settings.retryDelayMs ? { retryDelayMs: settings.retryDelayMs } : {}),
  });
  interface Item {
    readonly event: PushEvent;
    readonly receivedAt: number;
    readonly describe: Readonly<Record<string, unknown>> | undefined;
  }
  const source = mapping.source;
  const capacity = ('queueSize' in source ? source.queueSize : undefined) ?? DEFAULT_QUEUE_SIZE;
  const queue = createAsyncQueue<Item>({
    capacity,
    logger,
    handle: async (item, signal) => {
      await dispatcher.dispatch(item.event, item.receivedAt, signal);
    },
    describe: (item) => ({ ...item.describe, receivedAt: new Date(item.receivedAt).toISOString() }),
    onLost: () => {
      stats.abandoned += 1;
    },
  });
  return {
    offer(event, records, describe) {
      const result = queue.offer({ event, receivedAt: ctx.clock.now(), describe });
      if (result === 'accepted') stats.records += records;
      else logger.warn({ result, queued: queue.size, capacity, ...describe }, 'push event refused; the sender must retry');
      return result;
    },
    async drain(abort) {
      queue.close();
      const onAbort = (): void => queue.abort(abort.reason);
      if (abort.aborted) onAbort();
      else abort.addEventListener('abort', onAbort, { once: true });
      try {
        if (queue.size > 0) logger.info({ queued: queue.size }, 'draining asynchronous events');
        await queue.drained();
      } finally {
        abort.removeEventListener('abort', onAbort);
      }
    },
    get size() {
      return queue.size;
    },
  };
}
