import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withInstallLock } from '../harness/install-lock.js';

const scratch = mkdtempSync(join(tmpdir(), 'sluice-lock-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('withInstallLock', () => {
  it('lets one holder in at a time and tells the waiter who holds it', async () => {
    const dir = join(scratch, 'serial');
    const events: string[] = [];
    const firstEntered = deferred();
    const releaseFirst = deferred();
    const waiting = deferred();
    const first = withInstallLock(dir, async () => {
      events.push('first in');
      firstEntered.resolve();
      await releaseFirst.promise;
      events.push('first out');
    });
    await firstEntered.promise;
    const second = withInstallLock(
      dir,
      async () => {
        events.push('second in');
      },
      { pollMs: 5, onWait: (holder) => {
        events.push(`waiting on pid ${holder.split(' ')[1]}`);
        waiting.resolve();
      } },
    );
    await waiting.promise;
    releaseFirst.resolve();
    await Promise.all([first, second]);
    expect(events).toEqual(['first in', `waiting on pid ${process.pid}`, 'first out', 'second in']);
    expect(existsSync(join(dir, 'install.lock'))).toBe(false);
  });

  it('releases the lock when the work throws', async () => {
    const dir = join(scratch, 'throws');
    await expect(withInstallLock(dir, async () => Promise.reject(new Error('install broke')))).rejects.toThrow('install broke');
    expect(existsSync(join(dir, 'install.lock'))).toBe(false);
  });

  it('takes over a lock left by a dead process', async () => {
    const dir = join(scratch, 'stale');
    const child = spawn(process.execPath, ['-e', '0']);
    await once(child, 'exit');
    rmSync(dir, { recursive: true, force: true });
    await withInstallLock(dir, async () => {}); // creates the directory
    writeFileSync(join(dir, 'install.lock'), JSON.stringify({ pid: child.pid, host: hostname(), since: 'earlier' }));
    await expect(withInstallLock(dir, async () => 'mine', { timeoutMs: 5_000 })).resolves.toBe('mine');
  });

  it('times out on a live holder, naming it', async () => {
    const dir = join(scratch, 'live');
    await withInstallLock(dir, async () => {});
    writeFileSync(join(dir, 'install.lock'), JSON.stringify({ pid: process.pid, host: hostname(), since: 'now' }));
    await expect(withInstallLock(dir, async () => {}, { timeoutMs: 50, pollMs: 5 })).rejects.toThrow(
      new RegExp(`install lock .* \\(pid ${process.pid} on `),
    );
    rmSync(join(dir, 'install.lock'));
  });
});
