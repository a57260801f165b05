import { resolve } from 'node:path';
import { validateConfigFile } from '../config/index.js';
import { formatConfigIssue } from '../errors.js';
import { DEFAULT_CONFIG_FILE, ExitCode, stringOption, type Command } from './command.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a config file; print every problem as FILE:LINE:COL key.path: message',
  usage: 'sluice validate [FILE] [--config FILE] [--no-handlers]',
  options: { config: { type: 'string', short: 'c' }, 'no-handlers': { type: 'boolean' } },
  allowPositionals: true,
  async run(args, io) {
    const file = resolve(io.cwd, args.positionals[0] ?? stringOption(args, 'config') ?? DEFAULT_CONFIG_FILE);
    const result = await validateConfigFile(file, { env: io.env, checkHandlers: args.values['no-handlers'] !== true });
    if (result.issues.length === 0) {
      const config = result.config;
      io.stdout.write(`${file}: valid (${config?.mappings.length ?? 0} mappings, ${Object.keys(config?.functions ?? {}).length} functions)\n`);
      return ExitCode.ok;
    }
    for (const issue of result.issues) io.stderr.write(`${formatConfigIssue(issue)}\n`);
    io.stderr.write(`${result.issues.length} problem${result.issues.length === 1 ? '' : 's'} found\n`);
    return ExitCode.usage;
  },
};
