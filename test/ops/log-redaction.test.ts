import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

function logLine(level: string, fields: Record<string, unknown>): Record<string, unknown> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  const logger = createLogger({ level, pretty: false, destination: out });
  logger.child({ mapping: 'm' }).info(fields, 'record');
  logger.child({ mapping: 'm' }).debug(fields, 'record');
  logger.flush();
  return JSON.parse(text.split('\n')[0] ?? '{}') as Record<string, unknown>;
}

describe('log redaction', () => {
  const fields = {
    body: 'card 4111-1111',
    receiptHandle: 'AQEB-secret',
    record: { body: 'secret body', receiptHandle: 'AQEB-2', messageId: 'id-1' },
    records: [{ body: 'one' }],
    token: 't0k',
  };

  it('redacts record bodies, receipt handles and tokens at info', () => {
    const line = logLine('info', fields);
    expect(line).toMatchObject({
      body: '[redacted]',
      receiptHandle: '[redacted]',
      record: { body: '[redacted]', receiptHandle: '[redacted]', messageId: 'id-1' },
      records: [{ body: '[redacted]' }],
      token: '[redacted]',
    });
    expect(JSON.stringify(line)).not.toMatch(/4111|AQEB|secret|t0k/);
  });

  it('shows them at debug, for a developer debugging a handler', () => {
    expect(logLine('debug', fields)).toMatchObject({ body: 'card 4111-1111', record: { receiptHandle: 'AQEB-2' } });
  });
});
