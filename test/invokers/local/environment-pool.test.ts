import { describe, expect, it } from 'vitest';
import type { Environment } from '../../../src/invokers/local/environment.js';
import { createEnvironmentPool } from '../../../src/invokers/local/environment-pool.js';
import type { EnvironmentExit } from '../../../src/invokers/local/platform-errors.js';

interface FakeEnvironment extends Environment {
  readonly id: number;
  /** Ends the fake process, as a crash would. */
  crash(): void;
  readonly killed: boolean;
}

function fakes(): { create: () => FakeEnvironment; created: FakeEnvironment[] } {
  const created: FakeEnvironment[] = [];
  const create = (): FakeEnvironment => {
    let exited = false;
    let killed = false;
    let end: (exit: EnvironmentExit) => void = () => undefined;
    const ended = new Promise<EnvironmentExit>((resolve) => {
      end = resolve;
    });
    const crash = (): void => {
      if (exited) return;
      exited = true;
      end({ code: 1, signal: null, outOfMemory: false });
    };
    const env: FakeEnvironment = {
      id: created.length + 1,
      logStreamName: `stream-${created.length + 1}`,
      get exited() {
        return exited;
      },
      get killed() {
        return killed;
      },
      ended,
      init: () => Promise.resolve({ kind: 'ready', initDurationMs: 1 }),
      invoke: () => Promise.reject(new Error('not used')),
      kill: async () => {
        killed = true;
        crash();
        await ended;
      },
      crash,
    };
    created.push(env);
    return env;
  };
  return { create, created };
}

const idOf = (slot: { env: Environment }): number => (slot.env as FakeEnvironment).id;

describe('createEnvironmentPool', () => {
  it('creates environments on demand up to max, then queues callers in FIFO order', async () => {
    const { create, created } = fakes();
    const pool = createEnvironmentPool({ create, max: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const order: string[] = [];
    const c = pool.acquire().then((slot) => (order.push('c'), slot));
    const d = pool.acquire().then((slot) => (order.push('d'), slot));
    expect(created).toHaveLength(2);
    pool.release(b);
    expect(idOf(await c)).toBe(idOf(b));
    pool.release(a);
    expect(idOf(await d)).toBe(idOf(a));
    expect(order).toEqual(['c', 'd']);
    expect(pool.size).toBe(2);
  });

  it('reuses the most recently released warm environment', async () => {
    const { create, created } = fakes();
    const pool = createEnvironmentPool({ create, max: Number.POSITIVE_INFINITY });
    const [a, b] = [await pool.acquire(), await pool.acquire()];
    pool.release(a);
    pool.release(b);
    expect(idOf(await pool.acquire())).toBe(idOf(b));
    expect(created).toHaveLength(2);
  });

  it('an aborted waiter is removed and rejects with the signal reason; the next waiter gets the environment', async () => {
    const { create } = fakes();
    const pool = createEnvironmentPool({ create, max: 1 });
    const a = await pool.acquire();
    const controller = new AbortController();
    const aborted = pool.acquire(controller.signal);
    const next = pool.acquire();
    const reason = new Error('stop waiting');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    pool.release(a);
    expect(idOf(await next)).toBe(idOf(a));
    await expect(pool.acquire(AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('ends discarded environments on release and starts a new one for a waiter', async () => {
    const { create, created } = fakes();
    const pool = createEnvironmentPool({ create, max: 1 });
    const a = await pool.acquire();
    const waiter = pool.acquire();
    a.discard = true;
    pool.release(a);
    const b = await waiter;
    expect(created[0]?.killed).toBe(true);
    expect(idOf(b)).toBe(2);
    expect(pool.size).toBe(1);
  });

  it('forgets an environment that exits on its own, even while idle', async () => {
    const { create, created } = fakes();
    const pool = createEnvironmentPool({ create, max: 1 });
    pool.release(await pool.acquire());
    created[0]?.crash();
    await created[0]?.ended;
    await Promise.resolve();
    expect(pool.size).toBe(0);
    expect(idOf(await pool.acquire())).toBe(2);
  });

  it('retireAll ends idle environments now and busy ones when released', async () => {
    const { create, created } = fakes();
    const pool = createEnvironmentPool({ create, max: 2 });
    const [a, b] = [await pool.acquire(), await pool.acquire()];
    pool.release(a);
    await pool.retireAll();
    expect(created[0]?.killed).toBe(true);
    expect(created[1]?.killed).toBe(false);
    pool.release(b);
    expect(created[1]?.killed).toBe(true);
    expect(idOf(await pool.acquire())).toBe(3);
  });

  it('close rejects waiters and later callers with the reason and ends every environment', async () => {
    const { create, created } = fakes();
    const pool = createEnvironmentPool({ create, max: 1 });
    const busy = await pool.acquire();
    const waiter = pool.acquire();
    const reason = new Error('closed');
    const closing = pool.close(reason);
    await expect(waiter).rejects.toBe(reason);
    await closing;
    expect(created.every((env) => env.killed)).toBe(true);
    expect(pool.size).toBe(0);
    await expect(pool.acquire()).rejects.toBe(reason);
    pool.release(busy);
    expect(pool.size).toBe(0);
  });
});
