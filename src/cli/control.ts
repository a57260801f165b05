import type { MappingStatus } from '../ops/mapping-status.js';
import { ExitCode, type Command } from './command.js';
import { callSluice, remoteHeaders, remoteOptions, remoteUrl } from './status.js';

function controlCommand(action: 'enable' | 'disable'): Command {
  return {
    name: action,
    summary:
      action === 'disable'
        ? 'stop a mapping of a running sluice (in-flight batches finish, checkpoints are saved)'
        : 'start a disabled mapping again (a stream mapping resumes from its checkpoint)',
    usage: `sluice ${action} NAME [--url http://127.0.0.1:9323] [--token TOKEN]`,
    options: remoteOptions,
    allowPositionals: true,
    async run(args, io) {
      const [name, ...extra] = args.positionals;
      if (name === undefined || extra.length > 0) {
        io.stderr.write(`usage: sluice ${action} NAME\n`);
        return ExitCode.usage;
      }
      const url = `${remoteUrl(args, io)}/mappings/${encodeURIComponent(name)}/${action}`;
      const response = await callSluice(url, { method: 'POST', headers: remoteHeaders(args, io) }, io);
      if (!response) return ExitCode.failed;
      const body = await response.text();
      if (!response.ok) {
        let message = body;
        try {
          message = (JSON.parse(body) as { message?: string }).message ?? body;
        } catch {
          // not JSON: print as is
        }
        io.stderr.write(`${action} ${name}: ${message} (HTTP ${response.status})\n`);
        return response.status === 404 ? ExitCode.usage : ExitCode.failed;
      }
      const status = JSON.parse(body) as MappingStatus;
      io.stdout.write(`${status.name}: ${status.state}\n`);
      return ExitCode.ok;
    },
  };
}

/** `sluice disable NAME`: `POST /mappings/NAME/disable` on the running sluice. */
export const disableCommand: Command = controlCommand('disable');
/** `sluice enable NAME`: `POST /mappings/NAME/enable` on the running sluice. */
export const enableCommand: Command = controlCommand('enable');
