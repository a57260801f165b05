import type { Logger } from '../log.js';

/** What happened to an offered event. */
export const OfferResult = {
  /** Queued: it will be handled (or given up on by the failure policy), and the sender may be acknowledged. */
  accepted: 'accepted',
  /** The queue holds `capacity` events: the sender should retry later. */
  full: 'full',
  /** The queue is shutting down and accepts nothing more. */
  closed: 'closed',
} as const;
export type OfferResult = (typeof OfferResult)[keyof typeof OfferResult];

export interface AsyncQueueOptions<T> {
  /** Events accepted and not yet handled, at most (queued, being invoked, or waiting to retry). */
  readonly capacity: number;
  /** Handles one event to its end (success, or given up on by the failure policy). Throws only when aborted. */
  readonly handle: (item: T, signal: AbortSignal) => Promise<void>;
  readonly logger: Logger;
  /** Log fields naming an event, for the error logged when shutdown abandons it. */
  readonly describe?: (item: T) => Readonly<Record<string, unknown>>;
  /** Called for every event shutdown abandons (after the grace period). */
  readonly onLost?: (item: T, err: unknown) => void;
}

export interface AsyncQueue<T> {
  /** Accepts the event unless the queue is full or closed; never blocks. */
  offer(item: T): OfferResult;
  /** Events accepted and not yet handled. */
  readonly size: number;
  readonly capacity: number;
  readonly closed: boolean;
  /** Stops accepting: every later `offer` is `closed`. */
  close(): void;
  /** Resolves once every accepted event has been handled (or abandoned by `abort`). */
  drained(): Promise<void>;
  /** The grace period is over: interrupts every event still being handled; each is logged as lost. */
  abort(reason?: unknown): void;
}

/** The default bound of a push mapping's queue. */
export const DEFAULT_QUEUE_SIZE = 1_000;

/**
 * The bounded queue of a mapping's asynchronous invocations, as Lambda's own event queue:
 * an event is accepted (and its sender acknowledged) before the function runs, and handled
 * in the background. The bound counts every event not yet finished, including those
 * waiting to retry, so a failing function fills it and senders are told to back off
 * instead of events piling up in memory. Nothing is dropped silently: an event is either
 * refused at `offer` (the sender keeps it), handled, or, when shutdown's grace period ends
 * first, logged as lost with its description.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
 */
export function createAsyncQueue<T>(options: AsyncQueueOptions<T>): AsyncQueue<T> {
  if (!Number.isInteger(options.capacity) || options.capacity < 1) {
    throw new RangeError(`queue capacity must be a whole number >= 1, got ${String(options.capacity)}`);
  }
  const controller = new AbortController();
  let size = 0;
  let closed = false;
  let idle: { promise: Promise<void>; resolve: () => void } | undefined;

  const finishOne = (): void => {
    size -= 1;
    if (size === 0 && idle) {
      idle.resolve();
      idle = undefined;
    }
  };

  const run = async (item: T): Promise<void> => {
    try {
      await options.handle(item, controller.signal);
    } catch (err) {
      options.logger.error({ err, ...options.describe?.(item) }, controller.signal.aborted ? 'asynchronous event lost at shutdown' : 'asynchronous event handler failed; event lost');
      options.onLost?.(item, err);
    } finally {
      finishOne();
    }
  };

  return {
    offer(item) {
      if (closed) return OfferResult.closed;
      if (size >= options.capacity) return OfferResult.full;
      size += 1;
      // Start on a later tick, so `offer` never runs handler code synchronously.
      queueMicrotask(() => void run(item));
      return OfferResult.accepted;
    },
    get size() {
      return size;
    },
    capacity: options.capacity,
    get closed() {
      return closed;
    },
    close() {
      closed = true;
    },
    drained() {
      if (size === 0) return Promise.resolve();
      if (!idle) {
        let resolve: () => void = () => undefined;
        const promise = new Promise<void>((r) => {
          resolve = r;
        });
        idle = { promise, resolve };
      }
      return idle.promise;
    },
    abort(reason) {
      controller.abort(reason ?? new Error('grace period over'));
    },
  };
}
