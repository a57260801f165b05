import { afterEach, describe, expect, it } from 'vitest';
import { startPersistentEnvironment, type PersistentEnvironment } from '../../../src/invokers/command/persistent-environment.js';
import { deferred, settledWithin } from './helpers.js';

const daemons: number[] = [];
const environments: PersistentEnvironment[] = [];
afterEach(async () => {
  // Daemons first: with them gone, closing an environment never waits on their open stdout.
  for (const pid of daemons.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await Promise.all(environments.splice(0).map((env) => env.close(0)));
});

/**
 * Starts an adapter (`sh -c script`) that first starts a daemon which leaves the
 * process group (setsid) and keeps the adapter's stdout and stderr open, as
 * daemonising tools do. Resolves once the daemon is out of the group, so a group
 * kill can no longer reach it.
 */
async function startWithEscapedDaemon(script: string): Promise<{ env: PersistentEnvironment; gone: Promise<void> }> {
  const daemon = deferred<number>();
  const gone = deferred<void>();
  const env = await startPersistentEnvironment({
    argv: ['sh', '-c', `setsid sh -c 'echo "daemon $$" >&2; exec sleep 60' & ${script}`],
    cwd: process.cwd(),
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    onLog: (line) => {
      const match = /^daemon (\d+)$/.exec(line);
      if (match) daemon.resolve(Number(match[1]));
    },
    onGone: () => gone.resolve(),
  });
  environments.push(env);
  daemons.push(await daemon.promise);
  return { env, gone: gone.promise };
}

const SERVE = `while read line; do echo '{"result":"ok"}'; done`;

describe('startPersistentEnvironment, with a daemon holding the adapter output open', () => {
  it('reports an adapter that exits mid-request as an exit, not at the timeout', async () => {
    const { env } = await startWithEscapedDaemon('read line; echo "fatal: lost the database" >&2; exit 3');
    const outcome = await settledWithin(env.request('{}', { timeoutMs: 30_000 }), 10_000);
    expect(outcome).toEqual({
      status: 'resolved',
      value: { kind: 'exited', code: 3, signal: null, stderrTail: expect.stringContaining('fatal: lost the database') },
    });
    expect(env.alive).toBe(false);
  });

  it('reports an exit as an exit when the timeout passes while the output drains', async () => {
    const { env } = await startWithEscapedDaemon('read line; exit 3');
    // The adapter exits at once; 1 s later, still within the drain grace, the timeout passes.
    expect(await env.request('{}', { timeoutMs: 1000 })).toMatchObject({ kind: 'exited', code: 3 });
  });

  it('marks an adapter that dies while idle as gone at once, and never serves it again', async () => {
    const { env, gone } = await startWithEscapedDaemon(SERVE);
    expect(await env.request('{}', { timeoutMs: 5000 })).toEqual({ kind: 'result', payload: 'ok' });
    process.kill(env.pid, 'SIGKILL');
    expect(await settledWithin(gone, 10_000)).toEqual({ status: 'resolved', value: undefined });
    expect(env.alive).toBe(false);
    await expect(env.request('{}', { timeoutMs: 5000 })).rejects.toMatchObject({ code: 'InvokerUnavailable' });
  });

  it('close() returns once the adapter exited, without waiting for the daemon', async () => {
    const { env } = await startWithEscapedDaemon(SERVE);
    expect(await env.request('{}', { timeoutMs: 5000 })).toEqual({ kind: 'result', payload: 'ok' });
    expect(await settledWithin(env.close(100), 10_000)).toEqual({ status: 'resolved', value: undefined });
    expect(env.alive).toBe(false);
  });
});
