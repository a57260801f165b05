import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';

describe('createLogger', () => {
  it('writes pretty lines to the given destination at once, so what sluice prints next comes after them', () => {
    const written: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger({ level: 'info', pretty: true, destination });
    logger.info({ requestId: 'r-1' }, 'END');
    written.push('ok   summary\n');
    const text = written.join('');
    expect(text).toMatch(/END.*r-1[^\n]*\n[^]*ok {3}summary/);
  });
});
