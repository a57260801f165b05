import { formatSummary, summarize } from '../replay/replay-summary.js';
import { createConfigReloader, localHandlerFiles, watchFiles } from '../ops/config-reloader.js';
import { startSluice } from '../runtime/sluice.js';
import { configOption, ExitCode, listOption, stringOption, type Command } from './command.js';
import { loadConfigForCli, loggerForCli, logOptions, startOrExit } from './load.js';

/** Default time in-flight batches get to finish after SIGTERM / SIGINT. */
const DEFAULT_GRACE_SECONDS = 30;

export const runCommand: Command = {
  name: 'run',
  summary: 'run every enabled mapping until SIGTERM / SIGINT (or until every replay ends)',
  usage: 'sluice run [--config FILE] [--mapping NAME]... [--grace SECONDS] [--watch] [--log-level LEVEL] [--log-format json|pretty]',
  options: {
    ...configOption,
    ...logOptions,
    mapping: { type: 'string', short: 'm', multiple: true },
    grace: { type: 'string' },
    watch: { type: 'boolean' },
  },
  async run(args, io) {
    const config = await loadConfigForCli(args, io);
    if (!config) return ExitCode.usage;
    const logger = loggerForCli(args, io);
    const graceSeconds = Number(stringOption(args, 'grace') ?? DEFAULT_GRACE_SECONDS);
    if (!Number.isFinite(graceSeconds) || graceSeconds < 0) {
      io.stderr.write(`--grace must be a number of seconds >= 0, got "${stringOption(args, 'grace')}"\n`);
      return ExitCode.usage;
    }
    const sluice = await startOrExit(() => startSluice({ config, logger, mode: 'run', env: io.env, only: listOption(args, 'mapping') }), io);
    if (typeof sluice === 'number') return sluice;

    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals += 1;
      if (signals > 1) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(ExitCode.failed);
      }
      logger.info({ signal, graceSeconds }, 'shutting down: draining in-flight batches');
      void sluice.shutdown(graceSeconds * 1000);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    // SIGHUP (and, with --watch, a saved config file) reloads the config mapping by mapping.
    const reloadConfig = createConfigReloader({ file: config.file, env: io.env, sluice, logger });
    const onHangup = (): void => {
      if (signals === 0) void reloadConfig();
    };
    process.on('SIGHUP', onHangup);
    const watchers =
      args.values['watch'] === true
        ? [
            watchFiles([config.file], onHangup, logger),
            watchFiles(localHandlerFiles(config), () => void sluice.reloadHandlers(), logger),
          ]
        : [];
    try {
      await sluice.done.catch(() => undefined);
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      process.off('SIGHUP', onHangup);
      for (const w of watchers) w.close();
    }
    const summary = await summarize(sluice.mappings);
    logger.info('sluice stopped');
    logger.flush();
    if (signals > 0) return summary.mappings.every((m) => m.error === undefined) ? ExitCode.ok : ExitCode.failed;
    io.stderr.write(`${formatSummary(summary)}\n`);
    return summary.ok ? ExitCode.ok : ExitCode.failed;
  },
};
