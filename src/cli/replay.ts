import { resolve } from 'node:path';
import { formatSummary, summarize } from '../replay/replay-summary.js';
import { startSluice } from '../runtime/sluice.js';
import { configOption, ExitCode, listOption, stringOption, type Command } from './command.js';
import { loadConfigForCli, loggerForCli, logOptions, startOrExit } from './load.js';

export const replayCommand: Command = {
  name: 'replay',
  summary: 'run the mappings that have a replay file to completion, then exit with a summary',
  usage: 'sluice replay [--config FILE] [--mapping NAME]... [--file FILE.jsonl] [--max-attempts N] [--json]',
  options: {
    ...configOption,
    ...logOptions,
    mapping: { type: 'string', short: 'm', multiple: true },
    file: { type: 'string', short: 'f' },
    'max-attempts': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const config = await loadConfigForCli(args, io);
    if (!config) return ExitCode.usage;
    // With --json, stdout carries the summary alone: logs and handlers' output go to stderr.
    const json = args.values['json'] === true;
    const logger = loggerForCli(args, io, json ? io.stderr : io.stdout);
    const maxAttempts = Number(stringOption(args, 'max-attempts') ?? 3);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      io.stderr.write(`--max-attempts must be a whole number >= 1, got "${stringOption(args, 'max-attempts')}"\n`);
      return ExitCode.usage;
    }
    const file = stringOption(args, 'file');
    const sluice = await startOrExit(
      () =>
        startSluice({
          config,
          logger,
          mode: 'replay',
          env: io.env,
          only: listOption(args, 'mapping'),
          ...(file === undefined ? {} : { replayFile: resolve(io.cwd, file) }),
          replay: { maxAttempts },
          ...(json ? { handlerOutput: { stdout: io.stderr, stderr: io.stderr } } : {}),
        }),
      io,
    );
    if (typeof sluice === 'number') return sluice;
    await sluice.done.catch(() => undefined);
    const summary = await summarize(sluice.mappings);
    logger.flush();
    if (json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else io.stderr.write(`${formatSummary(summary)}\n`);
    return summary.ok ? ExitCode.ok : ExitCode.failed;
  },
};
