import type { Clock } from '../clock.js';

/**
 * Wakes up waiters when something changed. Small enough that no library fits better
 * (p-queue's events are for queues).
 */
export interface Notifier {
  /**
   * Resolves at the next `notify()`, when `signal` aborts, or when `timeout` passes, whichever
   * comes first. A wait that ends leaves nothing behind: no abort listener, no timer, no
   * waiter (long-lived signals see many waits end by timeout).
   */
  wait(signal?: AbortSignal, timeout?: { readonly ms: number; readonly clock: Pick<Clock, 'timer'> }): Promise<void>;
  notify(): void;
}

export function createNotifier(): Notifier {
  const waiters = new Set<() => void>();
  return {
    wait(signal, timeout) {
      if (signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        let cancelTimer: (() => void) | undefined;
        const done = (): void => {
          waiters.delete(done);
          signal?.removeEventListener('abort', done);
          cancelTimer?.();
          resolve();
        };
        waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
        if (timeout) cancelTimer = timeout.clock.timer(timeout.ms, done);
      });
    },
    notify() {
      // Waits that start while these are woken wait for the next notify.
      const woken = [...waiters];
      waiters.clear();
      for (const done of woken) done();
    },
  };
}
