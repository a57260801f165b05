import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import type { FunctionConfig, ModuleInvokerConfig } from '../../src/config/types.js';
import { SluiceError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import type { Invoker } from '../../src/invokers/invoker.js';
import { createModuleInvoker } from '../../src/invokers/module.js';

const customDir = fileURLToPath(new URL('./fixtures/custom/', import.meta.url));

function moduleInvoker(module: string, options: Record<string, unknown> = {}): Invoker {
  const config: ModuleInvokerConfig = { type: 'module', module: `${customDir}${module}`, options };
  const fn: FunctionConfig = { name: 'thumbnails', invoker: config, timeout: 30, memorySize: 512, environment: { BUCKET: 'images' } };
  return createModuleInvoker({ fn, config, logger: silentLogger, region: 'eu-central-1', account: '000000000000' });
}

async function loadError(promise: Promise<unknown> | undefined): Promise<SluiceError> {
  const err = await promise?.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SluiceError)) throw new Error(`expected a SluiceError, got ${String(err)}`);
  return err;
}

describe('createModuleInvoker', () => {
  it('creates the custom invoker once with the function settings and delegates to it', async () => {
    const invoker = moduleInvoker('custom-invoker.mjs', { mode: 'echo' });
    await invoker.check?.();
    const first = await invoker.invoke({ id: 1 }, { invocationType: 'Event' });
    const second = await invoker.invoke({ id: 2 });
    expect(first).toMatchObject({
      status: 'success',
      payload: {
        event: { id: 1 },
        invocations: 1,
        invocationType: 'Event',
        received: {
          functionName: 'thumbnails',
          timeout: 30,
          environment: { BUCKET: 'images' },
          region: 'eu-central-1',
          account: '000000000000',
          hasLogger: true,
        },
      },
    });
    expect(second).toMatchObject({ status: 'success', payload: { event: { id: 2 }, invocations: 2 } });
  });

  it("returns the custom invoker's function errors", async () => {
    const result = await moduleInvoker('custom-invoker.mjs', { mode: 'function-error' }).invoke({});
    expect(result).toMatchObject({
      status: 'function-error',
      functionError: 'Unhandled',
      error: { errorType: 'Sandbox.Error', errorMessage: 'invocation 1 failed' },
    });
  });

  it('closes the custom invoker, and closing one never loaded loads nothing', async () => {
    const onClose = vi.fn();
    const invoker = moduleInvoker('custom-invoker.mjs', { mode: 'echo', onClose });
    await invoker.invoke({});
    await invoker.close();
    expect(onClose).toHaveBeenCalledTimes(1);
    const unused = vi.fn();
    await moduleInvoker('custom-invoker.mjs', { onClose: unused }).close();
    expect(unused).not.toHaveBeenCalled();
  });

  it.each([
    { name: 'a module that does not exist', module: 'missing.mjs', options: {}, message: /cannot import custom invoker module .*missing\.mjs/ },
    { name: 'a module without createInvoker', module: 'no-export.mjs', options: {}, message: /does not export a createInvoker function \(exports: makeInvoker\)/ },
    { name: 'a createInvoker that throws', module: 'custom-invoker.mjs', options: { mode: 'throw' }, message: /createInvoker of .* threw: Error: cannot connect to the sandbox/ },
    {
      name: 'an invoker without close',
      module: 'custom-invoker.mjs',
      options: { mode: 'no-close' },
      message: /returned an object with keys \[invoke\], which lacks close: an invoker needs invoke\(event, options\) and close\(\) functions/,
    },
  ])('check() and invoke() fail with HandlerLoadFailed for $name', async ({ module, options, message }) => {
    const invoker = moduleInvoker(module, options);
    const checked = await loadError(invoker.check?.());
    expect(checked).toMatchObject({ code: 'HandlerLoadFailed', retryable: false });
    expect(checked.message).toMatch(message);
    await expect(invoker.invoke({})).rejects.toMatchObject({ code: 'HandlerLoadFailed' });
  });

  it("passes the custom invoker's own check failure through", async () => {
    await expect(moduleInvoker('custom-invoker.mjs', { mode: 'check-fails' }).check?.()).rejects.toThrow('sandbox image missing');
  });

  it('rejects an invoke result that is not an InvokeResult', async () => {
    const err = await loadError(moduleInvoker('custom-invoker.mjs', { mode: 'bad-result' }).invoke({}));
    expect(err.code).toBe('HandlerLoadFailed');
    expect(err.message).toContain('returned an object with keys [ok] from invoke()');
  });
});
