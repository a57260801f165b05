import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { SluiceError } from '../../src/errors.js';

/** Options for {@link withInstallLock}. */
export interface InstallLockOptions {
  /** Give up waiting for another holder after this long. Default 15 minutes (a cold install takes about a minute). */
  readonly timeoutMs?: number;
  /** How often to look at the lock again while another process holds it. Default 250 ms. */
  readonly pollMs?: number;
  /** Called once when the lock is held by someone else and we start waiting. */
  readonly onWait?: (holder: string) => void;
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/**
 * Runs `fn` while holding `<cacheDir>/install.lock`, so concurrent test runs never install into the
 * same directory at once. A lock left by a dead process on this host is taken over.
 */
export async function withInstallLock<T>(
  cacheDir: string,
  fn: () => Promise<T>,
  options: InstallLockOptions = {},
): Promise<T> {
  await mkdir(cacheDir, { recursive: true });
  const lockPath = join(cacheDir, 'install.lock');
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  let announced = false;
  for (;;) {
    if (await tryCreate(lockPath)) break;
    const owner = await readOwner(lockPath);
    if (owner === undefined ? await isAbandoned(lockPath) : isStale(owner)) {
      await rm(lockPath, { force: true });
      continue;
    }
    const holder = owner === undefined ? 'unknown holder' : `pid ${owner.pid} on ${owner.host} since ${owner.since}`;
    if (Date.now() > deadline) {
      throw new SluiceError(
        'EmulatorInstallLockTimeout',
        `Timed out waiting for the emulator install lock ${lockPath} (${holder}); delete it if no install is running`,
      );
    }
    if (!announced) {
      announced = true;
      options.onWait?.(holder);
    }
    await delay(options.pollMs ?? 250);
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function tryCreate(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, 'wx');
    const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    await handle.writeFile(JSON.stringify(owner));
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(lockPath, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, host, since } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof host !== 'string' || typeof since !== 'string') return undefined;
    return { pid, host, since };
  } catch {
    // Being written right now, or just removed: look again on the next round.
    return undefined;
  }
}

function isStale(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A lock file nobody finished writing (its writer died between create and write) for over 10 s. */
async function isAbandoned(lockPath: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(lockPath)).mtimeMs > 10_000;
  } catch {
    return false;
  }
}
