import type { Invoker } from '../invokers/invoker.js';

/**
 * An invoker that runs at most `max` invocations at once; further calls wait in FIFO order
 * (a waiting call whose signal aborts leaves the line with the signal's reason). Retries of
 * asynchronous events wait outside the limit, so a failing event never holds a slot while it
 * backs off. `close` is the wrapped invoker's.
 */
export function limitConcurrency(invoker: Invoker, max: number): Invoker {
  if (!(max === Number.POSITIVE_INFINITY || (Number.isInteger(max) && max >= 1))) {
    throw new RangeError(`concurrency must be a whole number >= 1, got ${String(max)}`);
  }
  let running = 0;
  const waiting: (() => void)[] = [];

  async function acquire(signal: AbortSignal | undefined): Promise<void> {
    if (running < max) {
      running += 1;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        const index = waiting.indexOf(grant);
        if (index >= 0) waiting.splice(index, 1);
        reject(signal?.reason);
      };
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiting.push(grant);
    });
  }

  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }

  return {
    async invoke(event, options = {}) {
      await acquire(options.signal);
      try {
        return await invoker.invoke(event, options);
      } finally {
        release();
      }
    },
    ...(invoker.check ? { check: () => invoker.check?.() ?? Promise.resolve() } : {}),
    close: () => invoker.close(),
  };
}
