/** A promise with its settling functions, to drive a fake's timing from the test. */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(err: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export type Settlement<T> =
  | { readonly status: 'resolved'; readonly value: T }
  | { readonly status: 'rejected'; readonly reason: unknown }
  | { readonly status: 'pending' };

/**
 * How `promise` settled within `ms`, or `pending`: a bounded wait for something
 * that hangs when broken, so the test fails with the state it saw instead of
 * running into the test timeout.
 */
export async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<Settlement<T>> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<Settlement<T>>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'pending' }), ms);
  });
  const settled = promise.then(
    (value): Settlement<T> => ({ status: 'resolved', value }),
    (reason: unknown): Settlement<T> => ({ status: 'rejected', reason }),
  );
  try {
    return await Promise.race([settled, bound]);
  } finally {
    clearTimeout(timer);
  }
}
