import { describe, expect, it } from 'vitest';
import { runOnce } from '../../../src/invokers/command/run-once.js';
import { settledWithin } from './helpers.js';

describe('runOnce', () => {
  it('kills the command when the abort lands while it is being spawned', async () => {
    const controller = new AbortController();
    const run = runOnce({
      argv: ['sleep', '30'],
      cwd: process.cwd(),
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      input: '{}',
      timeoutMs: 60_000,
      signal: controller.signal,
      onLog: () => undefined,
    });
    // runOnce is awaiting the 'spawn' event now: the abort lands before its listener is added.
    const reason = new Error('grace period over');
    controller.abort(reason);
    // runOnce settles only once the process closed: well before 30 s means it was killed.
    expect(await settledWithin(run, 10_000)).toEqual({ status: 'rejected', reason });
  });
});
