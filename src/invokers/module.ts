import { pathToFileURL } from 'node:url';
import type { FunctionConfig, ModuleInvokerConfig } from '../config/types.js';
import { SluiceError } from '../errors.js';
import type { Logger } from '../log.js';
import { InvokerErrorCode, type InvokeOptions, type InvokeResult, type Invoker } from './invoker.js';

/** What a custom invoker module's `createInvoker` receives. */
export interface CustomInvokerOptions {
  readonly functionName: string;
  /** Seconds. */
  readonly timeout: number;
  readonly environment: Readonly<Record<string, string>>;
  /** The function's `invoker.options` from the config file, as written. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  readonly region: string;
  readonly account: string;
}

/** The export a custom invoker module provides. */
export type CreateCustomInvoker = (options: CustomInvokerOptions) => Invoker | Promise<Invoker>;

export interface ModuleInvokerDeps {
  readonly fn: FunctionConfig;
  readonly config: ModuleInvokerConfig;
  readonly logger: Logger;
  readonly region: string;
  readonly account: string;
}

/**
 * A custom invoker: `config.module` is the absolute path of an ES module (or a
 * CommonJS one Node can import) exporting
 * `createInvoker(options: CustomInvokerOptions): Invoker | Promise<Invoker>`.
 *
 * The module is loaded on the first `check()` or `invoke()`, once. A module that
 * cannot be imported, lacks the export, or returns something without `invoke`
 * and `close` functions fails with `HandlerLoadFailed`; so does an `invoke` that
 * resolves to something other than an `InvokeResult`.
 */
export function createModuleInvoker(deps: ModuleInvokerDeps): Invoker {
  const { fn, config, logger, region, account } = deps;
  let loading: Promise<Invoker> | undefined;
  const load = (): Promise<Invoker> => {
    loading ??= loadCustomInvoker(config.module, {
      functionName: fn.name,
      timeout: fn.timeout,
      environment: fn.environment,
      options: config.options,
      logger,
      region,
      account,
    });
    return loading;
  };

  return {
    async invoke(event: unknown, options?: InvokeOptions): Promise<InvokeResult> {
      const inner = await load();
      const result: unknown = await inner.invoke(event, options);
      if (!isInvokeResult(result)) {
        throw new SluiceError(
          InvokerErrorCode.HandlerLoadFailed,
          `custom invoker ${config.module} returned ${describe(result)} from invoke(); expected { status: 'success' | 'function-error', requestId, durationMs, ... }`,
        );
      }
      return result;
    },
    async check(): Promise<void> {
      const inner = await load();
      await inner.check?.();
    },
    async close(): Promise<void> {
      if (loading === undefined) return;
      const inner = await loading.catch(() => undefined);
      await inner?.close();
    },
  };
}

async function loadCustomInvoker(modulePath: string, options: CustomInvokerOptions): Promise<Invoker> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (err) {
    throw new SluiceError(InvokerErrorCode.HandlerLoadFailed, `cannot import custom invoker module ${modulePath}: ${String(err)}`, {
      cause: err,
    });
  }
  const create = mod['createInvoker'] ?? (mod['default'] as Record<string, unknown> | undefined)?.['createInvoker'];
  if (typeof create !== 'function') {
    throw new SluiceError(
      InvokerErrorCode.HandlerLoadFailed,
      `custom invoker module ${modulePath} does not export a createInvoker function (exports: ${Object.keys(mod).join(', ') || 'none'})`,
    );
  }
  let invoker: unknown;
  try {
    invoker = await (create as CreateCustomInvoker)(options);
  } catch (err) {
    throw new SluiceError(InvokerErrorCode.HandlerLoadFailed, `createInvoker of ${modulePath} threw: ${String(err)}`, { cause: err });
  }
  const missing = ['invoke', 'close'].filter((name) => typeof (invoker as Record<string, unknown> | null)?.[name] !== 'function');
  if (typeof invoker !== 'object' || invoker === null || missing.length > 0) {
    throw new SluiceError(
      InvokerErrorCode.HandlerLoadFailed,
      `createInvoker of ${modulePath} returned ${describe(invoker)}, which lacks ${missing.join(' and ')}: an invoker needs invoke(event, options) and close() functions`,
    );
  }
  return invoker as Invoker;
}

function isInvokeResult(value: unknown): value is InvokeResult {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  if (typeof record['requestId'] !== 'string' || typeof record['durationMs'] !== 'number') return false;
  if (record['status'] === 'success') return true;
  if (record['status'] !== 'function-error') return false;
  const error = record['error'] as Record<string, unknown> | null | undefined;
  return (
    (record['functionError'] === 'Handled' || record['functionError'] === 'Unhandled') &&
    typeof error?.['errorType'] === 'string' &&
    typeof error['errorMessage'] === 'string'
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object with keys [${Object.keys(value).join(', ')}]`;
  return typeof value;
}
