import { formatNextFireTimes } from '../schedule/index.js';
import { SluiceError } from '../errors.js';
import { ExitCode, stringOption, type Command } from './command.js';

export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'print the next fire times of a rate(), cron() or at() expression',
  usage: 'sluice schedule next "cron(0 9 ? * MON-FRI *)" [--tz Europe/Paris] [-n 5] [--from ISO]',
  options: { tz: { type: 'string' }, n: { type: 'string', short: 'n' }, from: { type: 'string' } },
  allowPositionals: true,
  async run(args, io) {
    const [verb, expression, ...extra] = args.positionals;
    if (verb !== 'next' || expression === undefined || extra.length > 0) {
      io.stderr.write(`usage: ${this.usage}\n`);
      return ExitCode.usage;
    }
    const countText = stringOption(args, 'n') ?? '5';
    const count = Number(countText);
    if (!Number.isInteger(count) || count < 1) {
      io.stderr.write(`-n must be a whole number >= 1, got "${countText}"\n`);
      return ExitCode.usage;
    }
    const fromText = stringOption(args, 'from');
    const from = fromText === undefined ? new Date() : new Date(fromText);
    if (Number.isNaN(from.getTime())) {
      io.stderr.write(`--from must be an ISO 8601 time, got "${fromText}"\n`);
      return ExitCode.usage;
    }
    const timezone = stringOption(args, 'tz');
    try {
      const lines = formatNextFireTimes(expression, { count, from, ...(timezone ? { timezone } : {}) });
      io.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : 'no further fire times\n');
      return ExitCode.ok;
    } catch (err) {
      if (err instanceof SluiceError) {
        io.stderr.write(`${err.message}\n`);
        return ExitCode.usage;
      }
      throw err;
    }
  },
};
