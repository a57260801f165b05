import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleFormat, parseHandler } from '../../src/config/handler.js';

describe('parseHandler (Lambda splits the basename at its FIRST dot)', () => {
  it.each([
    { handler: 'index.handler', moduleBase: '/app/index', exportPath: 'handler' },
    { handler: './functions/orders.handler', moduleBase: '/app/functions/orders', exportPath: 'handler' },
    { handler: 'src/api.routes.orders.get', moduleBase: '/app/src/api', exportPath: 'routes.orders.get' },
    { handler: 'lib.v2/app.main', moduleBase: '/app/lib.v2/app', exportPath: 'main' },
    { handler: '../shared/fn.handler', moduleBase: '/shared/fn', exportPath: 'handler' },
    { handler: '/opt/fns/a.b', moduleBase: '/opt/fns/a', exportPath: 'b' },
  ])('$handler', ({ handler, moduleBase, exportPath }) => {
    expect(parseHandler(handler, '/app')).toEqual({ moduleBase, exportPath });
  });

  it.each(['index', './functions/orders', '.handler', 'index.', 'index.a..b', 'dir.v2/'])('rejects %s', (handler) => {
    expect(parseHandler(handler, '/app')).toEqual({
      error: `must be MODULE.EXPORT as Lambda's Handler setting (e.g. ./functions/orders.handler), got ${JSON.stringify(handler)}`,
    });
  });
});

describe('moduleFormat', () => {
  it('follows the extension, then the nearest package.json type', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-format-'));
    try {
      mkdirSync(path.join(dir, 'esm/nested'), { recursive: true });
      mkdirSync(path.join(dir, 'cjs'), { recursive: true });
      writeFileSync(path.join(dir, 'esm/package.json'), '{"type":"module"}');
      writeFileSync(path.join(dir, 'cjs/package.json'), '{"name":"x"}');
      expect(moduleFormat(path.join(dir, 'esm/nested/a.js'))).toBe('esm');
      expect(moduleFormat(path.join(dir, 'esm/a.cjs'))).toBe('commonjs');
      expect(moduleFormat(path.join(dir, 'cjs/a.js'))).toBe('commonjs');
      expect(moduleFormat(path.join(dir, 'cjs/a.mjs'))).toBe('esm');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
