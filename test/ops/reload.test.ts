import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Config, FunctionConfig } from '../../src/config/types.js';
import { silentLogger } from '../../src/log.js';
import { createConfigReloader, localHandlerFiles, watchFiles } from '../../src/ops/config-reloader.js';
import { planReload } from '../../src/ops/reload.js';
import { startSluice } from '../../src/runtime/sluice.js';
import { makeMapping } from '../support/mapping.js';
import { createGatedInvoker, opsConfig, replayDir } from './support.js';

const fn = (name: string, handler = 'a'): FunctionConfig => ({
  name,
  invoker: { type: 'local', handler: `/h/${handler}`, modulePath: `/h/${handler}.mjs`, exportName: 'handler', isolation: 'process' },
  timeout: 3,
  memorySize: 128,
  environment: {},
});

function cfg(mappings: Config['mappings'], functions: Record<string, FunctionConfig> = { fn: fn('fn') }): Config {
  return { ...opsConfig('/tmp/x', mappings), functions };
}

describe('planReload', () => {
  const a = makeMapping({ name: 'a' });
  const b = makeMapping({ name: 'b', function: 'g' });
  const current = cfg([a, b], { fn: fn('fn'), g: fn('g') });
  it.each([
    ['nothing changed (only where it is written)', cfg([{ ...a, location: { file: 'x', line: 9, column: 9 } }, b], current.functions), { unchanged: ['a', 'b'] }],
    ['a mapping setting changed', cfg([{ ...a, batchSize: 7 }, b], current.functions), { restart: ['a'], unchanged: ['b'] }],
    ['a function changed', cfg([a, b], { fn: fn('fn'), g: fn('g', 'other') }), { restart: ['b'], unchanged: ['a'], changedFunctions: ['g'] }],
    ['a mapping added', cfg([a, b, makeMapping({ name: 'c' })], current.functions), { add: ['c'], unchanged: ['a', 'b'] }],
    ['a mapping removed', cfg([a], current.functions), { remove: ['b'], unchanged: ['a'] }],
    ['a mapping disabled in the file', cfg([a, { ...b, enabled: false }], current.functions), { remove: ['b'], unchanged: ['a'] }],
  ] as const)('%s', (_, next, expected) => {
    const plan = planReload(current, ['a', 'b'], next);
    expect({
      add: plan.add.map((m) => m.name),
      restart: plan.restart.map((m) => m.name),
      remove: plan.remove,
      unchanged: plan.unchanged,
      changedFunctions: plan.changedFunctions,
    }).toEqual(Object.assign({ add: [], restart: [], remove: [], unchanged: [], changedFunctions: [] }, expected));
  });
});

describe('Sluice.reload', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('restarts only the changed mapping (from its checkpoint), starts new ones, stops removed ones', async () => {
    const { dir, file } = await replayDir(20);
    const [fa, fb] = [createGatedInvoker(), createGatedInvoker()];
    const source = { type: 'kinesis', stream: 's', replay: file } as const;
    const a = makeMapping({ name: 'a', function: 'fa', source });
    const b = makeMapping({ name: 'b', function: 'fb', batchSize: 10, source });
    const c = makeMapping({ name: 'c', function: 'fa', source });
    const sluice = await startSluice({
      config: opsConfig(dir, [a, b]),
      logger: silentLogger,
      mode: 'run',
      ops: false,
      invokers: new Map([
        ['fa', fa],
        ['fb', fb],
      ]),
    });
    cleanup = async () => {
      fa.open();
      fb.open();
      await sluice.shutdown(1_000);
      await rm(dir, { recursive: true, force: true });
    };
    const [handleA, handleB] = sluice.mappings;
    await vi.waitFor(() => expect([fa.calls, fb.calls]).toEqual([1, 1])); // a batch of each in flight
    const reloading = sluice.reload(opsConfig(dir, [{ ...a }, { ...b, batchSize: 3 }, c]));
    await vi.waitFor(() => expect(handleB?.state).toBe('Disabling'));
    fb.allow(1); // b's in-flight batch drains before it restarts
    const plan = await reloading;
    expect(plan.restart.map((m) => m.name)).toEqual(['b']);
    expect(plan.add.map((m) => m.name)).toEqual(['c']);
    expect(sluice.mappings.map((h) => [h.mapping.name, h.state, h.mapping.batchSize])).toEqual([
      ['a', 'Enabled', 100],
      ['b', 'Enabled', 3],
      ['c', 'Enabled', 100],
    ]);
    expect(sluice.mappings[0]).toBe(handleA);
    expect(handleB?.state).toBe('Disabled');

    await sluice.reload(opsConfig(dir, [a, { ...b, batchSize: 3 }]));
    expect(sluice.mappings.map((h) => h.mapping.name)).toEqual(['a', 'b']);
    fa.open();
    fb.open();
    await sluice.done;
    // b restarted from its checkpoint: every record once, in order
    expect(fb.seen).toEqual(Array.from({ length: 20 }, (_, i) => String(1000 + i)));
  });
});

describe('createConfigReloader', () => {
  it('rejects an invalid file with validate\'s FILE:LINE:COL messages and keeps the running config; applies a valid one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-reload-'));
    try {
      const file = join(dir, 'sluice.yaml');
      await writeFile(join(dir, 'h.mjs'), 'export const handler = async () => ({});\n');
      const yaml = (batchSize: number): string =>
        `functions:\n  h:\n    handler: ./h.handler\nmappings:\n  - name: m\n    function: h\n    source: { type: kinesis, stream: s }\n    startingPosition: LATEST\n    batchSize: ${batchSize}\n`;
      await writeFile(file, yaml(0));
      const reload = vi.fn(async () => ({ add: [], restart: [], remove: [], unchanged: [], changedFunctions: [] }));
      const reloader = createConfigReloader({ file, env: {}, sluice: { reload }, logger: silentLogger });
      const bad = await reloader();
      expect(bad.ok).toBe(false);
      expect(bad.ok ? [] : bad.problems).toContainEqual(expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:9:\\d+ mappings\\[0\\]\\.batchSize`)));
      expect(reload).not.toHaveBeenCalled();
      await writeFile(file, yaml(5));
      expect(await reloader()).toEqual({ ok: true });
      expect(reload).toHaveBeenCalledWith(expect.objectContaining({ mappings: [expect.objectContaining({ name: 'm', batchSize: 5 })] }));
      expect(localHandlerFiles((reload.mock.calls[0] as unknown as [Config])[0])).toEqual([`${dir}/*`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('watchFiles', () => {
  it('fires (debounced) when a watched file is replaced, not for other files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-watch-'));
    const changes: string[] = [];
    const watcher = watchFiles([join(dir, 'sluice.yaml')], () => changes.push('config'), silentLogger, 20);
    const any = watchFiles([join(dir, 'handlers', '*')], () => changes.push('handlers'), silentLogger, 20);
    try {
      await writeFile(join(dir, 'other.txt'), 'x');
      await writeFile(join(dir, 'sluice.yaml'), 'a: 1');
      await vi.waitFor(() => expect(changes).toEqual(['config']));
    } finally {
      watcher.close();
      any.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
