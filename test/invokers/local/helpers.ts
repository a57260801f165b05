import { PassThrough } from 'node:stream';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { FunctionConfig, Isolation } from '../../../src/config/types.js';
import type { Logger } from '../../../src/log.js';
import { createLocalInvoker, type LocalInvoker } from '../../../src/invokers/local/local-invoker.js';

/** Absolute path of a fixture file. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** Both kinds of local execution environment. */
export const ISOLATIONS: readonly Isolation[] = ['process', 'thread'];

/** A local function as `loadConfig` would produce it. */
export function localFunction(
  modulePath: string,
  exportName: string,
  overrides: Partial<Omit<FunctionConfig, 'invoker'>> = {},
  isolation: Isolation = 'process',
): FunctionConfig {
  return {
    name: 'orders-fn',
    timeout: 3,
    memorySize: 256,
    environment: {},
    ...overrides,
    invoker: { type: 'local', handler: modulePath.slice(0, -extname(modulePath).length), modulePath, exportName, isolation },
  };
}

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** A pino logger whose lines are kept, parsed. */
export function captureLogger(): { logger: Logger; lines: LogLine[]; raw: string[] } {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const logger = pino(
    { level: 'debug', base: null },
    {
      write: (line: string) => {
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      },
    },
  );
  return { logger, lines, raw };
}

/** Streams that keep what the handlers print. */
export function captureOutput(): { stdout: PassThrough; stderr: PassThrough; text: () => { stdout: string; stderr: string } } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  return {
    stdout,
    stderr,
    text: () => ({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
  };
}

export interface Harness {
  readonly invoker: LocalInvoker;
  readonly lines: LogLine[];
  readonly output: ReturnType<typeof captureOutput>;
}

const open: LocalInvoker[] = [];

/** A local invoker with captured logs and output; closed by `closeAll`. */
export function harness(fn: FunctionConfig, maxEnvironments?: number): Harness {
  const { logger, lines } = captureLogger();
  const output = captureOutput();
  const invoker = createLocalInvoker({
    fn,
    region: 'eu-west-1',
    account: '123456789012',
    logger,
    output: { stdout: output.stdout, stderr: output.stderr },
    ...(maxEnvironments === undefined ? {} : { maxEnvironments }),
  });
  open.push(invoker);
  return { invoker, lines, output };
}

export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((invoker) => invoker.close()));
}
