import { timerFromSleep, type Clock } from '../../src/clock.js';

/**
 * A `Clock` whose time moves only when a test says so. `sleep(ms)` resolves when
 * `advance` passes its deadline (a sleep of 0 ms or less resolves on the next
 * microtask, as a zero timer would); an aborted signal rejects it with the reason.
 */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, waking every sleeper whose deadline passes, in deadline order. */
  advance(ms: number): Promise<void>;
  /** Advances to each next deadline until no sleep is pending. */
  runAll(options?: { readonly maxSteps?: number }): Promise<void>;
  /** Advances to each next deadline until `promise` settles, and returns its value. */
  run<T>(promise: Promise<T>, options?: { readonly maxSteps?: number }): Promise<T>;
  /** Resolves once at least `count` sleeps are pending. */
  sleeping(count?: number): Promise<void>;
  /** Sleeps pending now. */
  readonly pending: number;
  /** Every sleep duration asked for, in call order. */
  readonly sleeps: readonly number[];
}

interface Timer {
  readonly deadline: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/** Lets promise continuations (and the I/O callbacks they started) run. */
export async function flush(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function createFakeClock(startMs = Date.UTC(2026, 0, 15, 9, 0, 0)): FakeClock {
  let now = startMs;
  let seq = 0;
  const timers: Timer[] = [];
  const sleeps: number[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];

  const notifyWaiters = (): void => {
    for (const waiter of [...waiters]) {
      if (timers.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  const nextTimer = (): Timer | undefined =>
    timers.reduce<Timer | undefined>(
      (best, t) => (best === undefined || t.deadline < best.deadline || (t.deadline === best.deadline && t.seq < best.seq) ? t : best),
      undefined,
    );

  const fire = (timer: Timer): void => {
    timers.splice(timers.indexOf(timer), 1);
    timer.resolve();
  };

  const clock: FakeClock = {
    now: () => now,
    sleep(ms, signal) {
      sleeps.push(ms);
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        if (ms <= 0) {
          queueMicrotask(resolve);
          return;
        }
        const onAbort = (): void => {
          const index = timers.indexOf(timer);
          if (index !== -1) timers.splice(index, 1);
          reject(signal?.reason);
        };
        const timer: Timer = {
          deadline: now + ms,
          seq: (seq += 1),
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        timers.push(timer);
        signal?.addEventListener('abort', onAbort, { once: true });
        notifyWaiters();
      });
    },
    // A timer is a sleep here: it shows in `sleeps` and `pending`, and fires as they do.
    timer: (ms, callback) => timerFromSleep(clock.sleep)(ms, callback),
    async advance(ms) {
      const target = now + ms;
      await flush();
      for (;;) {
        const timer = nextTimer();
        if (timer === undefined || timer.deadline > target) break;
        now = Math.max(now, timer.deadline);
        fire(timer);
        await flush();
      }
      now = target;
      await flush();
    },
    async runAll(options = {}) {
      const maxSteps = options.maxSteps ?? 100_000;
      await flush();
      for (let step = 0; step < maxSteps; step += 1) {
        const timer = nextTimer();
        if (timer === undefined) return;
        now = Math.max(now, timer.deadline);
        fire(timer);
        await flush();
      }
      throw new Error(`fake clock: still sleeping after ${maxSteps} steps`);
    },
    async run(promise, options = {}) {
      const maxSteps = options.maxSteps ?? 1_000_000;
      let settled = false;
      const watched = promise.then(
        (value) => {
          settled = true;
          return value;
        },
        (err: unknown) => {
          settled = true;
          throw err;
        },
      );
      watched.catch(() => undefined);
      for (let step = 0; step < maxSteps && !settled; step += 1) {
        await flush(1);
        if (settled) break;
        const timer = nextTimer();
        if (timer !== undefined) {
          now = Math.max(now, timer.deadline);
          fire(timer);
        }
      }
      if (!settled) throw new Error(`fake clock: promise still pending after ${maxSteps} steps`);
      return watched;
    },
    sleeping(count = 1) {
      if (timers.length >= count) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ count, resolve }));
    },
    get pending() {
      return timers.length;
    },
    sleeps,
  };
  return clock;
}
