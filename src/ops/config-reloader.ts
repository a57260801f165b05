import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { validateConfigFile } from '../config/index.js';
import type { Config } from '../config/types.js';
import { formatConfigIssue } from '../errors.js';
import type { Logger } from '../log.js';
import type { Sluice } from '../runtime/sluice.js';

export interface ConfigReloaderOptions {
  readonly file: string;
  readonly env: NodeJS.ProcessEnv;
  readonly sluice: Pick<Sluice, 'reload'>;
  readonly logger: Logger;
}

/** What one reload came to. */
export type ReloadResult = { readonly ok: true } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Reloads the config file: validated exactly as `sluice validate` does (handlers included);
 * an invalid file is logged with the same `FILE:LINE:COL key.path: message` lines and the
 * running config stays.
 */
export function createConfigReloader(options: ConfigReloaderOptions): () => Promise<ReloadResult> {
  const { file, env, sluice, logger } = options;
  return async () => {
    logger.info({ file }, 'reloading config');
    const result = await validateConfigFile(file, { env, checkHandlers: true });
    const config: Config | undefined = result.config;
    if (result.issues.length > 0 || !config) {
      const problems = result.issues.map(formatConfigIssue);
      for (const problem of problems) logger.error({ file }, problem);
      logger.error({ file, problems: problems.length }, 'config not reloaded: the running config stays');
      return { ok: false, problems };
    }
    try {
      await sluice.reload(config);
      return { ok: true };
    } catch (err) {
      logger.error({ err, file }, 'config not reloaded: the running config stays');
      return { ok: false, problems: [err instanceof Error ? err.message : String(err)] };
    }
  };
}

/**
 * Calls `onChange` (debounced by `delayMs`) when one of `files` changes. Watches their
 * directories, not the files: editors save by writing a new file and renaming it over the old.
 * A name `DIR/*` means any file in `DIR`.
 */
export function watchFiles(files: readonly string[], onChange: () => void, logger: Logger, delayMs = 150): { close(): void } {
  const byDir = new Map<string, Set<string> | 'any'>();
  for (const file of files) {
    const dir = dirname(file);
    const names = byDir.get(dir);
    if (names === 'any') continue;
    byDir.set(dir, basename(file) === '*' ? 'any' : new Set([...(names ?? []), basename(file)]));
  }
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, delayMs);
  };
  const watchers: FSWatcher[] = [];
  for (const [dir, names] of byDir) {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (names === 'any' || name === null || names.has(name.toString())) fire();
      });
      watcher.on('error', (err) => logger.warn({ err, dir }, 'file watch failed'));
      watchers.push(watcher);
    } catch (err) {
      logger.warn({ err, dir }, 'cannot watch directory');
    }
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}

/** The directories of every local handler in a config, as `DIR/*` (watched with `--watch`). */
export function localHandlerFiles(config: Config): string[] {
  return Object.values(config.functions).flatMap((fn) => (fn.invoker.type === 'local' ? [`${dirname(fn.invoker.modulePath)}/*`] : []));
}
