import { DEFAULT_HTTP_PORT } from '../config/schema.js';
import { formatStatusTable, type MappingStatus } from '../ops/mapping-status.js';
import { ExitCode, stringOption, type CliIo, type Command, type ParsedArgs } from './command.js';

/** `--url` and `--token` of the commands that talk to a running sluice. */
export const remoteOptions = {
  url: { type: 'string', short: 'u' },
  token: { type: 'string' },
} as const;

/** The running sluice's base URL: `--url`, `SLUICE_URL`, else the default listener. */
export function remoteUrl(args: ParsedArgs, io: CliIo): string {
  const url = stringOption(args, 'url') ?? io.env['SLUICE_URL'] ?? `http://127.0.0.1:${DEFAULT_HTTP_PORT}`;
  return url.replace(/\/+$/, '');
}

/** The bearer token for control endpoints: `--token`, else `SLUICE_TOKEN`. */
export function remoteHeaders(args: ParsedArgs, io: CliIo): Record<string, string> {
  const token = stringOption(args, 'token') ?? io.env['SLUICE_TOKEN'];
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** Calls a running sluice; undefined (and a message on stderr) when it cannot be reached. */
export async function callSluice(url: string, init: RequestInit, io: CliIo): Promise<Response | undefined> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
    io.stderr.write(`cannot reach sluice at ${url}: ${cause} (is \`sluice run\` running? use --url)\n`);
    return undefined;
  }
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'show every mapping of a running sluice: state, last result, position per shard, lag',
  usage: 'sluice status [--url http://127.0.0.1:9323] [--json]',
  options: { ...remoteOptions, json: { type: 'boolean' } },
  async run(args, io) {
    const base = remoteUrl(args, io);
    const response = await callSluice(`${base}/mappings`, { headers: remoteHeaders(args, io) }, io);
    if (!response) return ExitCode.failed;
    const body = await response.text();
    if (!response.ok) {
      io.stderr.write(`${base}/mappings answered ${response.status}: ${body}\n`);
      return ExitCode.failed;
    }
    if (args.values['json'] === true) {
      io.stdout.write(`${body}\n`);
      return ExitCode.ok;
    }
    const { mappings } = JSON.parse(body) as { mappings: MappingStatus[] };
    io.stdout.write(`${formatStatusTable(mappings)}\n`);
    return ExitCode.ok;
  },
};
