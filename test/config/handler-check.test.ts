import { afterAll, describe, expect, it } from 'vitest';
import { checkHandlerExport } from '../../src/config/handler-check.js';
import { createProject } from './project-fixture.js';

const project = createProject({
  'esm/handler.mjs': 'export const handler = async () => 1;\nexport const api = { orders: { list: () => [] } };\nexport default { other: () => 1 };\n',
  'typed/package.json': '{ "type": "module" }\n',
  'typed/handler.js': 'export async function handler() { return 1; }\n',
  'cjs/handler.cjs': 'exports.handler = async () => 1;\nexports.config = { retries: 3 };\n',
  'cjs/plain.js': 'module.exports = { handler: function () {}, nested: { fn: () => 1 } };\n',
  'cjs/assigned.js': 'module.exports.handler = async () => 1;\nmodule.exports.name = "x";\n',
  'bad/syntax.mjs': 'export const handler = () => 1;\nexport const = 2;\n',
  'bad/syntax.cjs': 'exports.handler = () => 1;\nexports. = 2;\n',
  'bad/throws.cjs': "exports.handler = () => 1;\nthrow new TypeError('cannot reach the database');\n",
  'bad/exits.mjs': 'process.exit(3);\n',
  'bad/hangs.mjs': 'setInterval(() => {}, 1000);\nawait new Promise(() => {});\nexport const handler = () => 1;\n',
  'side/effect.mjs': 'globalThis.__sluiceSideEffect = true;\nconsole.log("loading noisily");\nexport const handler = () => 1;\n',
  'env/needs-env.mjs': "if (!process.env.TABLE) throw new Error('TABLE is not set');\nexport const handler = () => 1;\n",
});
afterAll(() => project.remove());
const file = (relative: string): string => `${project.dir}/${relative}`;

describe('checkHandlerExport', () => {
  it.each([
    { name: 'an ESM named export', module: 'esm/handler.mjs', exportPath: 'handler' },
    { name: 'a nested ESM export path', module: 'esm/handler.mjs', exportPath: 'api.orders.list' },
    { name: 'a .js module under "type": "module"', module: 'typed/handler.js', exportPath: 'handler' },
    { name: 'a .cjs export', module: 'cjs/handler.cjs', exportPath: 'handler' },
    { name: 'a CommonJS .js module.exports object', module: 'cjs/plain.js', exportPath: 'handler' },
    { name: 'a nested CommonJS export path', module: 'cjs/plain.js', exportPath: 'nested.fn' },
    { name: 'a CommonJS module.exports.x assignment', module: 'cjs/assigned.js', exportPath: 'handler' },
  ])('accepts $name', async ({ module, exportPath }) => {
    await expect(checkHandlerExport(file(module), exportPath)).resolves.toBeUndefined();
  });

  it.each([
    {
      name: 'a missing export, listing the exports',
      module: 'cjs/handler.cjs',
      exportPath: 'handle',
      expected: `export "handle" not found in {M} (it exports: config, handler)`,
    },
    {
      name: "an ESM default export's member (Lambda reads only the namespace of ESM)",
      module: 'esm/handler.mjs',
      exportPath: 'other',
      expected: `export "other" not found in {M} (it exports: api, default, handler)`,
    },
    {
      name: 'an export that is not a function',
      module: 'cjs/handler.cjs',
      exportPath: 'config',
      expected: 'export "config" of {M} is an object, not a function',
    },
    {
      name: 'a nested path through a string',
      module: 'cjs/assigned.js',
      exportPath: 'name.length',
      expected: 'export "name.length" not found in {M} (it exports: handler, name)',
    },
    {
      name: 'a CommonJS syntax error, with its line',
      module: 'bad/syntax.cjs',
      exportPath: 'handler',
      expected: "cannot load {M} (line 2): SyntaxError: Unexpected token '='",
    },
    {
      name: 'an exception at load',
      module: 'bad/throws.cjs',
      exportPath: 'handler',
      expected: 'cannot load {M} (line 2): TypeError: cannot reach the database',
    },
    {
      name: 'process.exit at load',
      module: 'bad/exits.mjs',
      exportPath: 'handler',
      expected: '{M} ended the process (exit code 3) while loading',
    },
  ])('reports $name', async ({ module, exportPath, expected }) => {
    await expect(checkHandlerExport(file(module), exportPath)).resolves.toBe(expected.replace('{M}', file(module)));
  });

  it('reports an ESM syntax error (with its line when Node gives one)', async () => {
    const problem = await checkHandlerExport(file('bad/syntax.mjs'), 'handler');
    expect([
      `cannot load ${file('bad/syntax.mjs')}: SyntaxError: Unexpected token '='`,
      `cannot load ${file('bad/syntax.mjs')} (line 2): SyntaxError: Unexpected token '='`,
    ]).toContain(problem);
  });

  it('gives up on a module that never finishes loading', async () => {
    await expect(checkHandlerExport(file('bad/hangs.mjs'), 'handler', { timeoutMs: 300 })).resolves.toBe(
      `loading ${file('bad/hangs.mjs')} did not finish within 0.3 s`,
    );
  });

  it('keeps the module away from this process', async () => {
    await expect(checkHandlerExport(file('side/effect.mjs'), 'handler')).resolves.toBeUndefined();
    expect((globalThis as { __sluiceSideEffect?: boolean }).__sluiceSideEffect).toBeUndefined();
  });

  it('loads the module with the given environment', async () => {
    const path = file('env/needs-env.mjs');
    await expect(checkHandlerExport(path, 'handler', { env: {} })).resolves.toBe(
      `cannot load ${path} (line 1): Error: TABLE is not set`,
    );
    await expect(checkHandlerExport(path, 'handler', { env: { TABLE: 'orders' } })).resolves.toBeUndefined();
  });
});
