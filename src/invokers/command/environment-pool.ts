import { SluiceError } from '../../errors.js';
import { InvokerErrorCode } from '../invoker.js';
import type { PersistentEnvironment } from './persistent-environment.js';

/**
 * Execution environments for a persistent command, as Lambda keeps them: one
 * invocation at a time per environment, a new environment started when all are
 * busy (up to `maxEnvironments`; past it callers wait in FIFO order), an idle
 * warm one reused otherwise, and a dead one dropped and replaced on demand.
 */
export interface EnvironmentPool {
  /** An idle environment, a new one, or the next one released; rejects with the signal's reason on abort. */
  acquire(signal?: AbortSignal): Promise<PersistentEnvironment>;
  /** Gives an environment back after its invocation (dead ones are dropped). */
  release(env: PersistentEnvironment): void;
  /** Forgets an environment whose process went away. */
  remove(env: PersistentEnvironment): void;
  /** Environments alive now, busy or idle. */
  readonly size: number;
  /** Rejects waiters and closes every environment. */
  close(graceMs: number): Promise<void>;
}

interface Waiter {
  resolve(env: PersistentEnvironment): void;
  reject(err: unknown): void;
}

export function createEnvironmentPool(options: {
  readonly start: () => Promise<PersistentEnvironment>;
  readonly maxEnvironments?: number;
}): EnvironmentPool {
  const max = options.maxEnvironments ?? Number.POSITIVE_INFINITY;
  const all = new Set<PersistentEnvironment>();
  const idle: PersistentEnvironment[] = [];
  const waiters: Waiter[] = [];
  let starting = 0;
  let closed = false;

  const start = async (): Promise<PersistentEnvironment> => {
    starting += 1;
    try {
      const env = await options.start();
      if (closed) {
        await env.close(0);
        throw closedError();
      }
      if (env.alive) all.add(env);
      return env;
    } finally {
      starting -= 1;
      // A start that failed (a spawn error while a rebuild replaces the binary) or gave a
      // dead environment freed its slot: the callers queued behind it take it, in order,
      // before any later caller can.
      if (!closed) serveWaiters();
    }
  };

  /** Hands environments to waiters while some are idle or room is left. */
  const serveWaiters = (): void => {
    while (waiters.length > 0) {
      const idleEnv = takeIdle();
      if (idleEnv !== undefined) {
        waiters.shift()?.resolve(idleEnv);
        continue;
      }
      if (all.size + starting >= max) return;
      const waiter = waiters.shift();
      start().then(
        (env) => waiter?.resolve(env),
        (err: unknown) => waiter?.reject(err),
      );
    }
  };

  const takeIdle = (): PersistentEnvironment | undefined => {
    while (idle.length > 0) {
      const env = idle.pop();
      if (env?.alive === true) return env;
    }
    return undefined;
  };

  const closedError = (): SluiceError =>
    new SluiceError(InvokerErrorCode.InvokerUnavailable, 'the command invoker is closed');

  const pool: EnvironmentPool = {
    acquire(signal) {
      if (closed) return Promise.reject(closedError());
      if (signal?.aborted === true) return Promise.reject(signal.reason);
      const idleEnv = takeIdle();
      if (idleEnv !== undefined) return Promise.resolve(idleEnv);
      return new Promise((resolve, reject) => {
        let settled = false;
        const onAbort = (): void => {
          settled = true;
          const index = waiters.indexOf(waiter);
          if (index >= 0) waiters.splice(index, 1);
          reject(signal?.reason);
        };
        const waiter: Waiter = {
          resolve: (env) => {
            signal?.removeEventListener('abort', onAbort);
            // Aborted while its environment was starting: the environment goes back to the pool.
            if (settled) pool.release(env);
            else resolve(env);
            settled = true;
          },
          reject: (err) => {
            signal?.removeEventListener('abort', onAbort);
            if (!settled) reject(err);
            settled = true;
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        if (all.size + starting < max) {
          start().then(waiter.resolve, waiter.reject);
        } else {
          waiters.push(waiter);
        }
      });
    },
    release(env) {
      if (closed || !env.alive) {
        all.delete(env);
        if (closed) void env.close(0);
      } else {
        idle.push(env);
      }
      if (!closed) serveWaiters();
    },
    remove(env) {
      all.delete(env);
      const index = idle.indexOf(env);
      if (index >= 0) idle.splice(index, 1);
      if (!closed) serveWaiters();
    },
    get size() {
      return all.size;
    },
    async close(graceMs) {
      closed = true;
      for (const waiter of waiters.splice(0)) waiter.reject(closedError());
      idle.length = 0;
      await Promise.all([...all].map((env) => env.close(graceMs)));
      all.clear();
    },
  };
  return pool;
}
