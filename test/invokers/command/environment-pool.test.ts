import { describe, expect, it, vi } from 'vitest';
import { createEnvironmentPool } from '../../../src/invokers/command/environment-pool.js';
import type { PersistentEnvironment } from '../../../src/invokers/command/persistent-environment.js';
import { deferred } from './helpers.js';

/** An environment stand-in: the pool only looks at `alive` and calls `close`. */
function fakeEnvironment(pid: number): PersistentEnvironment & { kill(): void; closed: boolean } {
  let alive = true;
  const env = {
    pid,
    closed: false,
    get alive() {
      return alive;
    },
    kill() {
      alive = false;
    },
    request: () => Promise.reject(new Error('not used')),
    close: async () => {
      env.closed = true;
      alive = false;
    },
  };
  return env;
}

function startingPool(maxEnvironments?: number) {
  let next = 1;
  const start = vi.fn(async () => fakeEnvironment(next++));
  const pool = createEnvironmentPool({ start, ...(maxEnvironments === undefined ? {} : { maxEnvironments }) });
  return { pool, start };
}

describe('createEnvironmentPool', () => {
  it('reuses the most recently released idle environment before starting another', async () => {
    const { pool, start } = startingPool();
    const a = await pool.acquire();
    const b = await pool.acquire();
    pool.release(a);
    pool.release(b);
    expect((await pool.acquire()).pid).toBe(b.pid);
    expect((await pool.acquire()).pid).toBe(a.pid);
    expect(start).toHaveBeenCalledTimes(2);
  });

  it('drops a dead environment and starts a new one in its place', async () => {
    const { pool } = startingPool();
    const a = (await pool.acquire()) as ReturnType<typeof fakeEnvironment>;
    a.kill();
    pool.release(a);
    expect(pool.size).toBe(0);
    expect((await pool.acquire()).pid).toBe(2);
  });

  it('makes callers past maxEnvironments wait, first come first served', async () => {
    const { pool, start } = startingPool(1);
    const env = await pool.acquire();
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) =>
      pool.acquire().then((got) => {
        order.push(n);
        return got;
      }),
    );
    pool.release(env);
    const first = await waiting[0];
    pool.release(first as PersistentEnvironment);
    const second = await waiting[1];
    pool.release(second as PersistentEnvironment);
    await waiting[2];
    expect(order).toEqual([1, 2, 3]);
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('starts a replacement for a waiter when a busy environment dies', async () => {
    const { pool } = startingPool(1);
    const env = (await pool.acquire()) as ReturnType<typeof fakeEnvironment>;
    const waiting = pool.acquire();
    env.kill();
    pool.remove(env);
    expect((await waiting).pid).toBe(2);
  });

  it('rejects a waiter with the reason of its aborted signal and serves the next one', async () => {
    const { pool } = startingPool(1);
    const env = await pool.acquire();
    const controller = new AbortController();
    const aborted = pool.acquire(controller.signal);
    const next = pool.acquire();
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    pool.release(env);
    expect(await next).toBe(env);
  });

  it('puts back an environment that finished starting after its waiter gave up', async () => {
    const starting = deferred<PersistentEnvironment>();
    const start = vi.fn<() => Promise<PersistentEnvironment>>().mockResolvedValueOnce(fakeEnvironment(1)).mockReturnValueOnce(starting.promise);
    const pool = createEnvironmentPool({ start, maxEnvironments: 2 });
    const first = await pool.acquire();
    const controller = new AbortController();
    const gaveUp = pool.acquire(controller.signal);
    controller.abort(new Error('gave up'));
    await expect(gaveUp).rejects.toThrow('gave up');
    const late = fakeEnvironment(2);
    starting.resolve(late);
    await starting.promise;
    pool.release(first);
    // Both environments are idle now: the late one was not leaked.
    const got = new Set([(await pool.acquire()).pid, (await pool.acquire()).pid]);
    expect(got).toEqual(new Set([1, 2]));
    expect(start).toHaveBeenCalledTimes(2);
  });

  it('puts back a replacement that finished starting after the waiter it was started for gave up', async () => {
    const starting = deferred<PersistentEnvironment>();
    const first = fakeEnvironment(1);
    const start = vi.fn<() => Promise<PersistentEnvironment>>().mockResolvedValueOnce(first).mockReturnValueOnce(starting.promise);
    const pool = createEnvironmentPool({ start, maxEnvironments: 1 });
    await pool.acquire();
    const controller = new AbortController();
    const waiter = pool.acquire(controller.signal);
    first.kill();
    pool.remove(first); // starts the replacement for the waiter
    controller.abort(new Error('gave up'));
    await expect(waiter).rejects.toThrow('gave up');
    starting.resolve(fakeEnvironment(2));
    await starting.promise;
    expect((await pool.acquire()).pid).toBe(2);
    expect(start).toHaveBeenCalledTimes(2);
  });

  it('passes a start failure to the caller', async () => {
    const pool = createEnvironmentPool({ start: () => Promise.reject(new Error('ENOENT')) });
    await expect(pool.acquire()).rejects.toThrow('ENOENT');
    expect(pool.size).toBe(0);
  });

  it('serves the callers queued behind a start that failed before any later caller', async () => {
    const failing = deferred<PersistentEnvironment>();
    const replacing = deferred<PersistentEnvironment>();
    const start = vi.fn<() => Promise<PersistentEnvironment>>().mockReturnValueOnce(failing.promise).mockReturnValueOnce(replacing.promise);
    const pool = createEnvironmentPool({ start, maxEnvironments: 1 });
    const order: string[] = [];
    const first = pool.acquire();
    const queued = pool.acquire().then((env) => {
      order.push('queued');
      return env;
    });
    failing.reject(new Error('spawn ETXTBSY'));
    await expect(first).rejects.toThrow('ETXTBSY');
    // The failure freed the slot: the queued caller is starting its own environment now.
    expect(start).toHaveBeenCalledTimes(2);
    const later = pool.acquire().then((env) => {
      order.push('later');
      return env;
    });
    replacing.resolve(fakeEnvironment(2));
    pool.release(await queued);
    expect((await later).pid).toBe(2);
    expect(order).toEqual(['queued', 'later']);
    expect(start).toHaveBeenCalledTimes(2);
  });

  it('closes every environment and rejects waiters and later callers', async () => {
    const { pool } = startingPool(1);
    const env = (await pool.acquire()) as ReturnType<typeof fakeEnvironment>;
    const waiting = pool.acquire();
    await pool.close(0);
    await expect(waiting).rejects.toMatchObject({ code: 'InvokerUnavailable' });
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'InvokerUnavailable' });
    expect(env.closed).toBe(true);
  });
});
