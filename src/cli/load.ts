import { resolve } from 'node:path';
import { loadConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { ConfigError, formatConfigIssue, SluiceError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { DEFAULT_CONFIG_FILE, ExitCode, stringOption, type CliIo, type ParsedArgs } from './command.js';

/** Loads the config named by `--config` (default `sluice.yaml`), printing every problem on failure. */
export async function loadConfigForCli(args: ParsedArgs, io: CliIo): Promise<Config | undefined> {
  const file = resolve(io.cwd, stringOption(args, 'config') ?? DEFAULT_CONFIG_FILE);
  try {
    return await loadConfig(file, { env: io.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const issue of err.issues) io.stderr.write(`${formatConfigIssue(issue)}\n`);
      return undefined;
    }
    throw err;
  }
}

export const logOptions = {
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
} as const;

/** The root logger: `--log-level`, pretty on a TTY unless `--log-format json`. */
export function loggerForCli(args: ParsedArgs, io: CliIo, destination: CliIo['stdout'] = io.stdout): Logger {
  const format = stringOption(args, 'log-format');
  const level = stringOption(args, 'log-level') ?? io.env['SLUICE_LOG_LEVEL'] ?? 'info';
  return createLogger({
    level,
    pretty: format === 'pretty' ? true : format === 'json' ? false : destination.isTTY === true,
    destination,
  });
}

/** Selection problems (`--mapping`, `--file`) are usage errors: the exit code for a start failure. */
const USAGE_CODES = new Set(['UnknownMapping', 'ReplayTarget', 'ConfigInvalid']);

/**
 * Starts something that may refuse to start (`startSluice`); a `SluiceError` is printed as
 * one line and becomes exit code 2 (bad usage) or 1, instead of a stack trace.
 */
export async function startOrExit<T>(start: () => Promise<T>, io: CliIo): Promise<T | number> {
  try {
    return await start();
  } catch (err) {
    if (!(err instanceof SluiceError)) throw err;
    io.stderr.write(`${err.message}\n`);
    return USAGE_CODES.has(err.code) ? ExitCode.usage : ExitCode.failed;
  }
}
