import { spawn } from 'node:child_process';
import { SluiceError } from '../../src/errors.js';
import { createOutputBuffer } from './output-buffer.js';

/** Options for {@link runCommand}. */
export interface RunCommandOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kill the command after this long. Default 15 minutes. */
  readonly timeoutMs?: number;
  /** Said in the error when the command fails, e.g. `installing moto`. */
  readonly what: string;
  /** Extra advice appended to the error when the output matches, e.g. a missing python3-venv. */
  readonly hints?: readonly { readonly match: RegExp; readonly hint: string }[];
}

/**
 * Runs an install step to completion and returns its output. A non-zero exit, a signal or a timeout throws
 * `EmulatorInstallFailed` with the command line and the last lines of its output.
 */
export async function runCommand(command: string, args: readonly string[], options: RunCommandOptions): Promise<string> {
  const output = createOutputBuffer(400);
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => output.append(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.append(chunk));
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  }).finally(() => clearTimeout(timer));
  const text = output.text();
  if (exit.code === 0) return text;
  const why =
    exit.error !== undefined
      ? `could not run: ${exit.error.message}`
      : exit.signal !== null
        ? `killed by ${exit.signal}${exit.signal === 'SIGKILL' ? ` (timeout ${timeoutMs} ms?)` : ''}`
        : `exited with code ${exit.code}`;
  const hints = (options.hints ?? []).filter(({ match }) => match.test(text)).map(({ hint }) => `\nHint: ${hint}`);
  throw new SluiceError(
    'EmulatorInstallFailed',
    `${options.what} failed: ${why}\n$ ${[command, ...args].join(' ')}\n${output.tail(40)}${hints.join('')}`,
    { cause: exit.error },
  );
}
