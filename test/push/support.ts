import type { Config, Mapping } from '../../src/config/types.js';
import type { InvokeResult, Invoker } from '../../src/invokers/invoker.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';

/** A loaded config with the listener on a free loopback port. */
export function pushConfig(mappings: readonly Mapping[], extra: Partial<Config> = {}): Config {
  return {
    file: '/tmp/sluice-push-test.yaml',
    baseDir: '/tmp',
    region: REGION,
    account: ACCOUNT,
    stateDir: '/tmp/sluice-push-test-state',
    http: { host: '127.0.0.1', port: 0 },
    functions: {},
    mappings,
    ...extra,
  };
}

export const ok = (payload: unknown = null): InvokeResult => ({ status: 'success', requestId: 'req-ok', durationMs: 1, payload });
export const fails = (message = 'boom'): InvokeResult => ({
  status: 'function-error',
  requestId: 'req-failed',
  durationMs: 1,
  functionError: 'Unhandled',
  error: { errorType: 'Error', errorMessage: message, trace: ['Error: boom'] },
});

export interface RecordingInvoker extends Invoker {
  /** Every event invoked, in order. */
  readonly calls: unknown[];
  /** Resolves once at least `count` invocations started. */
  called(count: number): Promise<void>;
}

/** An invoker that records events and answers with `respond` (default success). */
export function recordingInvoker(respond: (event: unknown, call: number) => InvokeResult | Promise<InvokeResult> = () => ok()): RecordingInvoker {
  const calls: unknown[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  return {
    calls,
    called(count) {
      if (calls.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async invoke(event) {
      calls.push(event);
      for (const waiter of [...waiters]) {
        if (calls.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
      return respond(event, calls.length);
    },
    close: async () => undefined,
  };
}

/** A promise with its resolve function, to hold an invocation until a test releases it. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
