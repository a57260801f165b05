import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isEsModule, loadHandler } from '../../../../src/invokers/local/runtime/load-handler.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe('isEsModule', () => {
  // @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
  it.each([
    ['.mjs is always ESM', 'handlers.mjs', true],
    ['.cjs is always CommonJS', 'callbacks.cjs', false],
    ['.js under "type": "module"', 'esm-pkg/handler.js', true],
    ['.js under "type": "commonjs"', 'cjs-pkg/handler.js', false],
  ])('%s', (_name, file, expected) => {
    expect(isEsModule(fixture(file))).toBe(expected);
  });
});

describe('loadHandler', () => {
  it.each([
    ['handlers.mjs', 'handlers.orders'],
    ['callbacks.cjs', 'nested.deep.handler'],
    ['callbacks.cjs', 'succeeds'],
  ])('%s resolves the nested export %s to a function', async (file, exportName) => {
    const handler = await loadHandler({ modulePath: fixture(file), exportName, handlerName: `x.${exportName}` });
    expect(typeof handler).toBe('function');
  });
});
