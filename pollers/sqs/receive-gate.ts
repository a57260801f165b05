import { setMaxListeners } from 'node:events';
import type { Clock } from '../../src/clock.js';
import { cancel } from '../../src/util/cancel.js';

/**
 * How long, once everything in flight is settled after `stop`, long polls still open may
 * return what the last releases made visible, before they are cut.
 */
export const RELEASE_QUIET_MS = 300;

/** When the consumer's open long polls are cut: after `stop` once nothing is left to release, or at `abort`. */
export interface ReceiveGate {
  /** The signal receives run with. */
  readonly signal: AbortSignal;
  /** Runs a batch or a release; while any runs after `stop`, long polls stay open. */
  busy<T>(work: () => Promise<T>): Promise<T>;
  close(): void;
}

/**
 * Shutdown without lost messages. A long poll cut on the client side is not cut on the
 * server: ElasticMQ (and SQS implementations generally) keep the request waiting and hand it
 * the next visible messages, which then stay in flight for the whole visibility timeout with
 * nobody to process them. Messages released at shutdown (visibility 0) would be exactly those.
 * So after `stop` the open long polls stay open while batches finish and messages are released
 * (what the polls get is released too: they are not renewed), and are cut only when
 * {@link RELEASE_QUIET_MS} have passed with nothing left to release; at `abort` at once.
 */
export function createReceiveGate(options: {
  readonly stop: AbortSignal;
  /** Cuts the polls at once (the consumer passes its deadline for deletes and releases). */
  readonly abort: AbortSignal;
  readonly clock: Clock;
}): ReceiveGate {
  const { stop, abort, clock } = options;
  const cut = new AbortController();
  // Every receive loop's open poll listens to it (p-retry and the HTTP request each add a
  // listener), up to `maximumConcurrency` loops: more than Node's warning threshold of 10.
  setMaxListeners(0, cut.signal);
  const closed = new AbortController();
  let busy = 0;
  let quiet: AbortController | undefined;

  const check = (): void => {
    if (!stop.aborted || busy > 0 || cut.signal.aborted || quiet !== undefined) return;
    const wait = new AbortController();
    quiet = wait;
    clock.sleep(RELEASE_QUIET_MS, AbortSignal.any([wait.signal, closed.signal])).then(
      () => {
        quiet = undefined;
        if (busy === 0) cut.abort(stop.reason);
        else check();
      },
      () => {
        if (quiet === wait) quiet = undefined;
      },
    );
  };
  const onAbort = (): void => cut.abort(abort.reason);
  if (abort.aborted) onAbort();
  else abort.addEventListener('abort', onAbort, { once: true });
  if (!stop.aborted) stop.addEventListener('abort', check, { once: true });
  check();

  return {
    signal: cut.signal,
    async busy(work) {
      busy += 1;
      cancel(quiet);
      quiet = undefined;
      try {
        return await work();
      } finally {
        busy -= 1;
        check();
      }
    },
    close() {
      abort.removeEventListener('abort', onAbort);
      stop.removeEventListener('abort', check);
      cancel(closed);
    },
  };
}
