/**
 * A function's execution environments, as Lambda scales them: one invocation
 * at a time per environment, a new environment when all are busy (up to
 * `max`), warm environments reused, and callers beyond `max` waiting in FIFO
 * order. Environments that crashed, timed out or belong to an older generation
 * (before `retireAll`) are ended instead of reused.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html
 */
import type { Environment } from './environment.js';

/** An environment lent to one caller. */
export interface PooledEnvironment {
  readonly env: Environment;
  /** Set by the borrower when the environment must not be reused. */
  discard: boolean;
  /** Peak memory the environment has reported, MB. */
  maxMemoryUsedMB: number;
  /** Invocations started on it so far (0: the next one is its cold start). */
  invocations: number;
}

export interface EnvironmentPool {
  /** An idle warm environment, a new one, or (at `max`) the next one released. Rejects with the signal's reason if aborted while waiting. */
  acquire(signal?: AbortSignal): Promise<PooledEnvironment>;
  /** Gives the environment back (or ends it if discarded, retired or the pool is closed). */
  release(slot: PooledEnvironment): void;
  /** Ends idle environments now and busy ones when released; new acquisitions get new environments. */
  retireAll(): Promise<void>;
  /** Rejects every waiter with `reason`, ends every environment, busy or not. */
  close(reason: Error): Promise<void>;
  /** Environments alive or starting. */
  readonly size: number;
}

export interface EnvironmentPoolOptions {
  readonly create: () => Environment;
  /** Maximum concurrent environments; `Infinity` for no limit. */
  readonly max: number;
}

interface Slot extends PooledEnvironment {
  readonly generation: number;
}

interface Waiter {
  readonly resolve: (slot: Slot) => void;
  readonly reject: (reason: unknown) => void;
  readonly detach: () => void;
}

export function createEnvironmentPool(options: EnvironmentPoolOptions): EnvironmentPool {
  const live = new Set<Slot>();
  const idle: Slot[] = [];
  const waiters: Waiter[] = [];
  const ending = new Set<Promise<void>>();
  let generation = 0;
  let closed: Error | undefined;

  function spawn(): Slot {
    const slot: Slot = { env: options.create(), generation, discard: false, maxMemoryUsedMB: 0, invocations: 0 };
    live.add(slot);
    // However it ends (killed, crashed, exited while idle), it leaves the pool.
    void slot.env.ended.then(() => {
      live.delete(slot);
      const index = idle.indexOf(slot);
      if (index >= 0) idle.splice(index, 1);
      pump();
    });
    return slot;
  }

  function end(slot: Slot): Promise<void> {
    const index = idle.indexOf(slot);
    if (index >= 0) idle.splice(index, 1);
    const done = slot.env.kill();
    ending.add(done);
    void done.finally(() => ending.delete(done));
    return done;
  }

  /** Starts environments for waiters while there is room. */
  function pump(): void {
    while (closed === undefined && waiters.length > 0 && live.size < options.max) {
      const waiter = waiters.shift();
      waiter?.detach();
      waiter?.resolve(spawn());
    }
  }

  return {
    get size() {
      return live.size;
    },

    acquire(signal) {
      if (closed !== undefined) return Promise.reject(closed);
      if (signal?.aborted === true) return Promise.reject(signal.reason);
      for (let warm = idle.pop(); warm !== undefined; warm = idle.pop()) {
        if (!warm.env.exited) return Promise.resolve(warm);
      }
      if (live.size < options.max) return Promise.resolve(spawn());
      return new Promise<Slot>((resolve, reject) => {
        const onAbort = (): void => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) waiters.splice(index, 1);
          reject(signal?.reason);
        };
        const waiter: Waiter = {
          resolve,
          reject,
          detach: () => signal?.removeEventListener('abort', onAbort),
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
      });
    },

    release(pooled) {
      const slot = pooled as Slot;
      if (!live.has(slot)) return;
      if (closed !== undefined || slot.discard || slot.env.exited || slot.generation !== generation) {
        void end(slot);
        return;
      }
      const waiter = waiters.shift();
      if (waiter !== undefined) {
        waiter.detach();
        waiter.resolve(slot);
      } else {
        idle.push(slot);
      }
    },

    async retireAll() {
      generation += 1;
      await Promise.all([...idle].map(end));
    },

    async close(reason) {
      closed ??= reason;
      for (const waiter of waiters.splice(0)) {
        waiter.detach();
        waiter.reject(reason);
      }
      await Promise.all([...live].map(end));
      await Promise.all([...ending]);
    },
  };
}
