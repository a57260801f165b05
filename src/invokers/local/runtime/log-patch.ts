/**
 * Lambda's text log format for `console.*` inside an execution environment:
 * `<ISO time>\t<request id>\t<LEVEL>\t<message>` on stdout.
 *
 * One difference: Lambda turns newlines inside a message into `\r` so that a
 * multi-line message stays one CloudWatch event; on a terminal that would
 * overwrite the line, so newlines are kept.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html
 */
import { format } from 'node:util';

const Level = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  log: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
} as const;

let currentRequestId: string | undefined;

/** The request id printed on each line; `undefined` outside an invocation (as during Init). */
export function setRequestId(requestId: string | undefined): void {
  currentRequestId = requestId;
}

/** Replaces `console.trace/debug/info/log/warn/error` with Lambda-formatted writers. */
export function patchConsole(): void {
  for (const [method, level] of Object.entries(Level)) {
    const write = (...args: unknown[]): void => {
      process.stdout.write(`${new Date().toISOString()}\t${String(currentRequestId)}\t${level}\t${format(...args)}\n`);
    };
    Object.defineProperty(console, method, { value: write, writable: true, configurable: true });
  }
}
