/**
 * Lambda's Init phase for a Node handler: load the module, resolve the
 * (possibly nested, dot-separated) export, and name failures as the runtime does.
 *
 * Module format is decided as the Node.js runtime decides it: `.mjs` is an ES
 * module, `.cjs` is CommonJS, and `.js` is an ES module when the nearest
 * `package.json` (not searching past a `node_modules` directory) has
 * `"type": "module"`, CommonJS otherwise. ES modules are `import()`ed and the
 * handler is looked up on the namespace; CommonJS modules are `require()`d and
 * it is looked up on `module.exports`.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 * @see https://github.com/aws/aws-lambda-nodejs-runtime-interface-client (UserFunction.js)
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RuntimeError, RuntimeErrorType } from './runtime-errors.js';

/** The handler as the runtime calls it: `(event, context, callback)`. */
export type Handler = (event: unknown, context: unknown, callback: unknown) => unknown;

export interface LoadHandlerOptions {
  /** Absolute path of the module file. */
  readonly modulePath: string;
  /** Export name, possibly nested: `handlers.orders`. */
  readonly exportName: string;
  /** Lambda's handler string (`index.handler`), for the HandlerNotFound message. */
  readonly handlerName: string;
}

/** True when the nearest package.json of `dir` says `"type": "module"`. */
function packageTypeIsModule(dir: string): boolean {
  for (let current = dir; ; current = dirname(current)) {
    if (current.endsWith('/node_modules')) return false;
    const manifest = join(current, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(current) === current) return false;
  }
}

/** Whether the Node.js runtime would load `modulePath` as an ES module. */
export function isEsModule(modulePath: string): boolean {
  const ext = extname(modulePath);
  if (ext === '.mjs') return true;
  if (ext === '.cjs') return false;
  return ext === '.js' && packageTypeIsModule(dirname(resolve(modulePath)));
}

async function importModule(modulePath: string): Promise<unknown> {
  if (isEsModule(modulePath)) return import(pathToFileURL(modulePath).href);
  return createRequire(modulePath)(modulePath);
}

function classifyLoadError(err: unknown): unknown {
  if (err instanceof SyntaxError) {
    return new RuntimeError(RuntimeErrorType.UserCodeSyntaxError, String(err), err.stack);
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
    return new RuntimeError(RuntimeErrorType.ImportModuleError, String(err));
  }
  return err;
}

function resolveExport(moduleValue: unknown, exportName: string): unknown {
  let value: unknown = moduleValue;
  for (const key of exportName.split('.')) {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Loads the module and returns the handler function. Throws `Runtime.*`
 * errors for a missing module, a syntax error or a missing export, and
 * whatever the module's own top-level code throws, unchanged.
 */
export async function loadHandler(options: LoadHandlerOptions): Promise<Handler> {
  const { modulePath, exportName, handlerName } = options;
  if (!existsSync(modulePath)) {
    throw new RuntimeError(RuntimeErrorType.ImportModuleError, `Error: Cannot find module '${modulePath}'`);
  }
  let moduleValue: unknown;
  try {
    moduleValue = await importModule(modulePath);
  } catch (err) {
    throw classifyLoadError(err);
  }
  const handler = resolveExport(moduleValue, exportName);
  if (!handler) {
    throw new RuntimeError(RuntimeErrorType.HandlerNotFound, `${handlerName} is undefined or not exported`);
  }
  if (typeof handler !== 'function') {
    throw new RuntimeError(RuntimeErrorType.HandlerNotFound, `${handlerName} is not a function`);
  }
  return handler as Handler;
}

/** The runtime treats a handler declared `async` specially when the event loop empties. */
export function isAsyncFunction(handler: Handler): boolean {
  return handler.constructor.name === 'AsyncFunction';
}
