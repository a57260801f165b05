/** Time, injected so tests can drive it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `callback` after `ms` unless the returned function is called first. For a wait
   * that is started and cancelled once per invocation: an AbortController, its signal's
   * abort event and a promise cost more there than the work they guard (about 45 µs of
   * sluice's CPU per local invocation, `npm run bench -- local`).
   */
  timer(ms: number, callback: () => void): () => void;
}

/** `timer` in terms of `sleep`, for clocks (test clocks) that only know how to sleep. */
export function timerFromSleep(sleep: Clock['sleep']): Clock['timer'] {
  return (ms, callback) => {
    const stop = new AbortController();
    sleep(ms, stop.signal).then(callback, () => undefined);
    return () => stop.abort();
  };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  timer: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};
