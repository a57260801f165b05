/**
 * Wakes up waiters when something changed: a promise that is replaced after every
 * `notify()`. Small enough that no library fits better (p-queue's events are for queues).
 */
export interface Notifier {
  /** Resolves at the next `notify()` (or when `signal` aborts). */
  wait(signal?: AbortSignal): Promise<void>;
  notify(): void;
}

export function createNotifier(): Notifier {
  let resolve!: () => void;
  let promise = new Promise<void>((r) => (resolve = r));
  return {
    wait(signal) {
      if (!signal) return promise;
      if (signal.aborted) return Promise.resolve();
      return new Promise<void>((r) => {
        const onAbort = (): void => r();
        signal.addEventListener('abort', onAbort, { once: true });
        void promise.then(() => {
          signal.removeEventListener('abort', onAbort);
          r();
        });
      });
    },
    notify() {
      const done = resolve;
      promise = new Promise<void>((r) => (resolve = r));
      done();
    },
  };
}
