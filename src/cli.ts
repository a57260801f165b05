/**
 * The `sluice` command line: `sluice <command> [options]`, `--help` on every command.
 */
import { disableCommand, enableCommand } from './cli/control.js';
import { eventsCommand, runEvents } from './cli/events.js';
import { ExitCode, parseCommandArgs, type CliIo, type Command } from './cli/command.js';
import { recordCommand } from './cli/record.js';
import { localstackCommand } from './cli/localstack.js';
import { replayCommand } from './cli/replay.js';
import { runCommand } from './cli/run.js';
import { scheduleCommand } from './cli/schedule.js';
import { statusCommand } from './cli/status.js';
import { validateCommand } from './cli/validate.js';

const COMMANDS: readonly Command[] = [runCommand, validateCommand, replayCommand, recordCommand, eventsCommand, scheduleCommand, localstackCommand, statusCommand, enableCommand, disableCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'sluice: Lambda event plumbing for local and CI runs',
    '',
    'Usage: sluice <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `sluice <command> --help` for a command\'s options.',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const options = Object.entries(command.options).map(([name, o]) => {
    const short = 'short' in o && o.short ? `-${o.short}, ` : '    ';
    return `  ${short}--${name}${o.type === 'string' ? ' VALUE' : ''}`;
  });
  return [`Usage: ${command.usage}`, '', command.summary, '', 'Options:', ...options, '  -h, --help'].join('\n');
}

export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage()}\n`);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write('sluice 0.1.0\n');
    return ExitCode.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`unknown command "${name}"\n\n${usage()}\n`);
    return ExitCode.usage;
  }
  if (command === eventsCommand) return runEvents(rest, io);
  let args;
  try {
    args = parseCommandArgs(command, rest);
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${commandHelp(command)}\n`);
    return ExitCode.usage;
  }
  if (args.values['help'] === true) {
    io.stdout.write(`${commandHelp(command)}\n`);
    return ExitCode.ok;
  }
  return command.run(args, io);
}

function defaultIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
