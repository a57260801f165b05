import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SluiceError } from '../../src/errors.js';
import { emulatorCacheDir } from './cache-dir.js';
import { withInstallLock } from './install-lock.js';
import type { EmulatorKind } from './kinds.js';
import { assertPrerequisites } from './prerequisites.js';
import { RECIPES, type EmulatorRecipe } from './recipes/index.js';

const MARKER = '.sluice-install.json';

/** Options for {@link ensureInstalled}. */
export interface EnsureInstalledOptions {
  /** Default {@link emulatorCacheDir}. */
  readonly cacheDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Receives one line per install (with its duration) and lock waits. Default: stderr. */
  readonly log?: (line: string) => void;
}

/** One install that happened. */
export interface InstallReport {
  readonly kind: EmulatorKind;
  readonly version: string;
  readonly dir: string;
  readonly durationMs: number;
}

/** What is installed where, for `scripts/emulators.ts status`. */
export interface InstallStatus {
  readonly kind: EmulatorKind;
  readonly version: string;
  readonly dir: string;
  readonly installed: boolean;
}

/** True when `recipe`'s current version is fully installed under `cacheDir`. */
export function isInstalled(recipe: EmulatorRecipe, cacheDir: string): boolean {
  const marker = join(recipe.dir(cacheDir), MARKER);
  if (!existsSync(marker)) return false;
  try {
    const parsed: unknown = JSON.parse(readFileSync(marker, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && (parsed as { fingerprint?: unknown }).fingerprint === recipe.fingerprint;
  } catch {
    return false;
  }
}

/** Every kind's pinned version and whether it is installed. */
export function installStatus(cacheDir: string = emulatorCacheDir()): InstallStatus[] {
  return Object.values(RECIPES).map((recipe) => ({
    kind: recipe.kind,
    version: recipe.version,
    dir: recipe.dir(cacheDir),
    installed: isInstalled(recipe, cacheDir),
  }));
}

/**
 * Installs whichever of `kinds` are missing (or outdated) into the cache, under the install lock so
 * concurrent runs never clash; kinds already installed cost one file read. Missing programs fail first,
 * with what to install; a failed install throws `EmulatorInstallFailed` and leaves no marker, so the next
 * run starts over.
 */
export async function ensureInstalled(
  kinds: readonly EmulatorKind[],
  options: EnsureInstalledOptions = {},
): Promise<InstallReport[]> {
  const cacheDir = options.cacheDir ?? emulatorCacheDir(options.env);
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const missing = [...new Set(kinds)].filter((kind) => !isInstalled(RECIPES[kind], cacheDir));
  if (missing.length === 0) return [];
  assertPrerequisites(missing, env);
  return withInstallLock(
    cacheDir,
    async () => {
      const reports: InstallReport[] = [];
      const todo = missing.filter((kind) => !isInstalled(RECIPES[kind], cacheDir));
      if (todo.length > 0) {
        log(`[sluice emulators] first use: installing ${todo.join(', ')} into ${cacheDir} (about a minute, once)`);
      }
      // Two lanes: pip (moto, the slowest) beside Maven and npm, which share nothing with it.
      const lanes = [todo.filter((kind) => kind === 'moto'), todo.filter((kind) => kind !== 'moto')];
      const results = await Promise.allSettled(
        lanes.map(async (lane) => {
          for (const kind of lane) reports.push(await installOne(RECIPES[kind], cacheDir, env, log));
        }),
      );
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) {
        throw new SluiceError('EmulatorInstallFailed', failures.map((failure) => String(failure instanceof Error ? failure.message : failure)).join('\n\n'), {
          cause: new AggregateError(failures),
        });
      }
      return reports;
    },
    { onWait: (holder) => log(`[sluice emulators] waiting for another run's install to finish (${holder})`) },
  );
}

async function installOne(
  recipe: EmulatorRecipe,
  cacheDir: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<InstallReport> {
  const dir = recipe.dir(cacheDir);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const started = performance.now();
  try {
    await recipe.install({ cacheDir, dir, env });
  } catch (err) {
    throw err instanceof SluiceError
      ? err
      : new SluiceError('EmulatorInstallFailed', `installing ${recipe.kind} (${recipe.version}) failed: ${String(err)}`, {
          cause: err,
        });
  }
  const durationMs = Math.round(performance.now() - started);
  await writeFile(
    join(dir, MARKER),
    JSON.stringify({ kind: recipe.kind, version: recipe.version, fingerprint: recipe.fingerprint, durationMs, installedAt: new Date().toISOString() }, null, 2),
  );
  log(`[sluice emulators] installed ${recipe.kind} (${recipe.version}) in ${(durationMs / 1000).toFixed(1)}s (${dir})`);
  return { kind: recipe.kind, version: recipe.version, dir, durationMs };
}
