import { describe, expect, it, vi, type Mock } from 'vitest';
import type { FunctionConfig } from '../../src/config/types.js';
import { createInvokerFactory, type OwnedLambdaClient } from '../../src/invokers/create-invoker.js';
import type { Invoker } from '../../src/invokers/invoker.js';
import type { LambdaClientSettings } from '../../src/invokers/lambda.js';
import { silentLogger } from '../../src/log.js';
import { applyReload, type ReloadPlan } from '../../src/ops/reload.js';
import { opsConfig } from '../ops/support.js';
import { makeMapping } from '../support/mapping.js';

const lambdaFn = (name: string, endpoint?: string): FunctionConfig => ({
  name,
  invoker: { type: 'lambda', functionName: name, ...(endpoint === undefined ? {} : { endpoint }) },
  timeout: 3,
  memorySize: 128,
  environment: {},
});

interface FakeClient extends OwnedLambdaClient {
  readonly settings: LambdaClientSettings;
  readonly destroy: Mock<() => void>;
}

/** A factory whose Lambda clients are fakes that remember being destroyed. */
function fakeClientFactory(functions: readonly FunctionConfig[]) {
  const made: FakeClient[] = [];
  const config = { ...opsConfig('/tmp/sluice-invokers', []), functions: Object.fromEntries(functions.map((f) => [f.name, f])) };
  const factory = createInvokerFactory(config, silentLogger, {}, {
    createLambdaClient: (settings) => {
      const client: FakeClient = { settings, send: vi.fn(async () => ({ $metadata: {} })) as unknown as FakeClient['send'], destroy: vi.fn<() => void>() };
      made.push(client);
      return client;
    },
  });
  return { factory, made };
}

describe('createInvokerFactory: Lambda clients', () => {
  it('invokers of one endpoint share a client, destroyed when the last of them closes (once); factory.close destroys the rest', async () => {
    const [f, g, h] = [lambdaFn('f'), lambdaFn('g'), lambdaFn('h', 'http://127.0.0.1:4599')];
    const { factory, made } = fakeClientFactory([f, g, h]);
    const [invokeF, invokeG, invokeH] = [factory.create(f), factory.create(g), factory.create(h)];
    expect(made.map((c) => c.settings.endpoint)).toEqual([undefined, 'http://127.0.0.1:4599']);
    const [shared, other] = made as [FakeClient, FakeClient];
    await invokeF.close();
    expect(shared.destroy).not.toHaveBeenCalled();
    await invokeG.close();
    await invokeG.close();
    expect(shared.destroy).toHaveBeenCalledTimes(1);
    // A new invoker of that endpoint gets a new client.
    factory.create(f);
    expect(made).toHaveLength(3);
    factory.close();
    expect(other.destroy).toHaveBeenCalledTimes(1);
    expect(made[2]?.destroy).toHaveBeenCalledTimes(1);
    await invokeH.close();
    expect(other.destroy).toHaveBeenCalledTimes(1);
  });

  it('a reload that replaces a function destroys the replaced invoker\'s client, and keeps the new one', async () => {
    const before = fakeClientFactory([lambdaFn('f')]);
    const old = before.factory.create(lambdaFn('f'));
    const changed = lambdaFn('f', 'http://127.0.0.1:4600');
    const after = fakeClientFactory([changed]);
    const invokers = new Map<string, Invoker>([['f', old]]);
    const mapping = makeMapping({ name: 'm', function: 'f' });
    const plan: ReloadPlan = { add: [], restart: [mapping], remove: [], unchanged: [], changedFunctions: ['f'] };
    const controller = { disable: vi.fn(), remove: vi.fn(), replace: vi.fn() };
    await applyReload(plan, { ...opsConfig('/tmp/sluice-invokers', [mapping]), functions: { f: changed } }, {
      controller,
      invokers,
      logger: silentLogger,
      createInvoker: async (fn) => after.factory.create(fn),
      useConfig: () => undefined,
    });
    expect(invokers.get('f')).not.toBe(old);
    expect(before.made[0]?.destroy).toHaveBeenCalledTimes(1);
    expect(after.made[0]?.destroy).not.toHaveBeenCalled();
    expect(controller.replace).toHaveBeenCalledWith(mapping);
  });

  it('a reload that removes the last mapping of a function closes its invoker (and client); invokers the caller gave stay open', async () => {
    const { factory, made } = fakeClientFactory([lambdaFn('f'), lambdaFn('g', 'http://127.0.0.1:4601')]);
    const [f, g] = [factory.create(lambdaFn('f')), factory.create(lambdaFn('g', 'http://127.0.0.1:4601'))];
    const given: Invoker = { invoke: vi.fn(), close: vi.fn(async () => undefined) };
    const invokers = new Map<string, Invoker>([
      ['f', f],
      ['g', g],
      ['given', given],
    ]);
    const kept = makeMapping({ name: 'kept', function: 'f' });
    const plan: ReloadPlan = { add: [], restart: [], remove: ['gone', 'also-gone'], unchanged: ['kept'], changedFunctions: [] };
    const controller = { disable: vi.fn(), remove: vi.fn(), replace: vi.fn() };
    await applyReload(plan, opsConfig('/tmp/sluice-invokers', [kept]), {
      controller,
      invokers,
      provided: new Set([given]),
      logger: silentLogger,
      createInvoker: async () => {
        throw new Error('no invoker is needed');
      },
      useConfig: () => undefined,
    });
    expect([...invokers.keys()]).toEqual(['f', 'given']);
    expect(made.map((c) => c.destroy.mock.calls.length)).toEqual([0, 1]);
    expect(given.close).not.toHaveBeenCalled();
    expect(controller.remove.mock.calls).toEqual([['gone'], ['also-gone']]);
  });
});
