import { SAMPLE_SOURCES, isSampleSource, sampleEvent, sampleEventHelp } from '../events/sample.js';
import { SluiceError } from '../errors.js';
import { ExitCode, type CliIo, type Command } from './command.js';

export const eventsUsage = `sluice events <${SAMPLE_SOURCES.join('|')}> [--flag value]...`;

/**
 * `sluice events <source> [flags]`: a sample Lambda event built by sluice's own
 * normalizers. Its flags depend on the source, so they are parsed here rather than
 * by the generic option parser.
 */
export async function runEvents(argv: readonly string[], io: CliIo): Promise<number> {
  const [source, ...rest] = argv;
  if (source === undefined || source === '--help' || source === '-h') {
    io.stdout.write(`Usage: ${eventsUsage}\n\nPrints a sample Lambda event, exactly as Lambda delivers it.\nSee \`sluice events <source> --help\` for a source's flags.\n`);
    return source === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (!isSampleSource(source)) {
    io.stderr.write(`unknown event source "${source}"; sources: ${SAMPLE_SOURCES.join(', ')}\n`);
    return ExitCode.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${sampleEventHelp(source)}\n`);
    return ExitCode.ok;
  }
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] as string;
    if (!arg.startsWith('--')) {
      io.stderr.write(`unexpected argument "${arg}"; flags look like --name value\n`);
      return ExitCode.usage;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags[arg.slice(2, eq)] = arg.slice(eq + 1);
      continue;
    }
    const value = rest[i + 1];
    if (value === undefined) {
      io.stderr.write(`${arg} needs a value\n`);
      return ExitCode.usage;
    }
    flags[arg.slice(2)] = value;
    i += 1;
  }
  try {
    io.stdout.write(`${JSON.stringify(sampleEvent(source, flags), null, 2)}\n`);
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof SluiceError) {
      io.stderr.write(`${err.message}\n`);
      return ExitCode.usage;
    }
    throw err;
  }
}

export const eventsCommand: Command = {
  name: 'events',
  summary: 'print a sample Lambda event for a source, built by sluice\'s own normalizers',
  usage: eventsUsage,
  options: {},
  run: async () => ExitCode.usage,
};
