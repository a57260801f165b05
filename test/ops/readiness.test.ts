import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { createMappingController } from '../../src/ops/mapping-controller.js';
import { readiness } from '../../src/ops/ops-routes.js';
import { createMappingStats } from '../../src/runtime/mapping-stats.js';
import type { MappingHandle, MappingState } from '../../src/runtime/start-mappings.js';
import { waitFor } from '../../src/runtime/wait-for.js';
import { makeMapping } from '../support/mapping.js';

function handle(name: string, state: MappingState, extra: { waiting?: string; lastError?: string; notLoadable?: string } = {}): MappingHandle {
  const stats = createMappingStats();
  if (extra.lastError !== undefined) stats.lastError = extra.lastError;
  if (extra.notLoadable !== undefined) stats.functionNotLoadable = extra.notLoadable;
  return {
    mapping: makeMapping({ name }),
    stats,
    state,
    waiting: extra.waiting,
    positions: new Map(),
    done: new Promise<void>(() => undefined),
    stop: () => undefined,
    abort: () => undefined,
  };
}

describe('readiness', () => {
  it('lists every enabled mapping that is not ready, and why', () => {
    const controller = createMappingController(
      [
        handle('ok', 'Enabled'),
        handle('waiting', 'Enabled', { waiting: 'queue orders' }),
        handle('failed', 'Disabled', { lastError: 'stream deleted' }),
        handle('starting', 'Enabling'),
        handle('finished', 'Disabled'),
        handle('broken', 'Enabled', { notLoadable: 'Runtime.UserCodeSyntaxError: SyntaxError: Unexpected token' }),
      ],
      () => handle('x', 'Enabled'),
      silentLogger,
    );
    expect(readiness(controller)).toEqual([
      { mapping: 'waiting', reason: 'waiting for queue orders' },
      { mapping: 'failed', reason: 'stopped: stream deleted' },
      { mapping: 'starting', reason: 'state Enabling' },
      { mapping: 'broken', reason: 'function fn not loadable: Runtime.UserCodeSyntaxError: SyntaxError: Unexpected token' },
    ]);
  });
});

describe('waitFor', () => {
  it('tells the mapping what it waits for, and when it stopped waiting', async () => {
    const reports: (string | undefined)[] = [];
    let attempts = 0;
    const result = await waitFor(
      'queue orders',
      async () => {
        attempts += 1;
        if (attempts < 2) throw new SluiceError('QueueMissing', 'no such queue', { retryable: true });
        return 'url';
      },
      silentLogger,
      new AbortController().signal,
      (what) => reports.push(what),
    );
    expect(result).toBe('url');
    expect(reports).toEqual(['queue orders', undefined]);
  });
});
