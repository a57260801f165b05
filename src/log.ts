import pinoPretty from 'pino-pretty';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export interface LoggerSettings {
  readonly level?: string;
  /** Pretty, human-readable lines (default: when stdout is a TTY). */
  readonly pretty?: boolean;
  /** Where to write; default stdout. */
  readonly destination?: NodeJS.WritableStream;
}

/**
 * Record bodies, receipt handles and secrets are redacted at info level and above;
 * at debug they are shown, which is what a developer debugging a handler wants.
 */
const REDACT_PATHS = [
  'body',
  'record.body',
  'records[*].body',
  'receiptHandle',
  'record.receiptHandle',
  'ReceiptHandle',
  'data',
  'record.data',
  'event',
  'payload',
  'environment',
  'token',
  'authorization',
];

/** The one root logger; everything else is a `child({ mapping, shard })` of it. */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const level = settings.level ?? process.env['SLUICE_LOG_LEVEL'] ?? 'info';
  const redact = level === 'debug' || level === 'trace' ? [] : REDACT_PATHS;
  const options: LoggerOptions = {
    level,
    base: null,
    redact: { paths: redact, censor: '[redacted]' },
  };
  const destination = settings.destination ?? process.stdout;
  const pretty = settings.pretty ?? (destination === process.stdout && process.stdout.isTTY === true);
  if (pretty) {
    // In this thread, not as a pino transport: a transport's worker writes to fd 1 whatever the
    // destination, and after the lines sluice prints itself (a summary came before the last
    // START / END / REPORT lines on a terminal).
    const stream = pinoPretty({
      colorize: true,
      translateTime: 'HH:MM:ss.l',
      ignore: 'pid,hostname',
      singleLine: true,
      destination,
    });
    return pino(options, stream);
  }
  return pino(options, destination as pino.DestinationStream);
}

/** A logger that writes nothing, for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
