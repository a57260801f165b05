import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { InvocationReport } from '../../src/dispatch/invoke-batch.js';
import { createLogger } from '../../src/log.js';
import { logInvocation } from '../../src/ops/instrument-context.js';
import { sqsRecord } from '../support/records.js';

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

describe('the line per invocation', () => {
  const lines = (reports: readonly InvocationReport[]): Record<string, unknown>[] => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const logger = createLogger({ level: 'info', pretty: false, destination: out });
    for (const report of reports) logInvocation(logger.child({ mapping: 'm' }), report);
    logger.flush();
    return text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  const [a, b] = [sqsRecord({ id: 'a', body: 'secret a' }), sqsRecord({ id: 'b', body: 'secret b' })];
  const batch = { mapping: 'm', event: { Records: [a.event, b.event] }, records: [a, b], durationMs: 12.345 };

  it('says request id, shard, records, duration and outcome; never the records or the error message', () => {
    const logged = lines([
      { ...batch, shardId: 'shardId-1', outcome: { kind: 'success', response: null, requestId: 'r1' } },
      { ...batch, outcome: { kind: 'partial', failed: [b], response: null, requestId: 'r2' } },
      {
        ...batch,
        outcome: { kind: 'failure', reason: 'FunctionError', message: 'Error: secret a', requestId: 'r3', functionError: 'Unhandled', error: { errorType: 'Error', errorMessage: 'secret a' } },
      },
      { mapping: 'm', event: { version: '0', 'detail-type': 'Scheduled Event' }, records: [], durationMs: 1, outcome: { kind: 'success', response: null, requestId: 'r4' } },
    ]);
    expect(logged).toEqual([
      expect.objectContaining({ msg: 'invocation', mapping: 'm', requestId: 'r1', shard: 'shardId-1', records: 2, durationMs: 12.35, outcome: 'success' }),
      expect.objectContaining({ requestId: 'r2', records: 2, outcome: 'partial', failed: 1 }),
      expect.objectContaining({ requestId: 'r3', outcome: 'failure', reason: 'FunctionError', errorType: 'Error' }),
      expect.objectContaining({ requestId: 'r4', records: 1, outcome: 'success' }),
    ]);
    expect(JSON.stringify(logged)).not.toContain('secret');
  });
});
