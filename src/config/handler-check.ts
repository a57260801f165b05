/**
 * Proves a handler module loads and exports a function, without letting the
 * module's top-level code touch the sluice process: it is imported in a
 * short-lived worker thread that is terminated as soon as it answers.
 */
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { moduleFormat } from './handler.js';

export interface HandlerCheckOptions {
  /** The worker's `process.env`; default a copy of this process's. */
  readonly env?: Readonly<Record<string, string>>;
  /** Give up after this long; default 10 s. */
  readonly timeoutMs?: number;
}

/** How long a module may take to load before the check gives up. */
export const HANDLER_CHECK_TIMEOUT_MS = 10_000;

type WorkerAnswer =
  | { readonly status: 'ok' }
  | { readonly status: 'missing'; readonly exports: readonly string[] }
  | { readonly status: 'not-function'; readonly type: string }
  | { readonly status: 'load-error'; readonly error: string; readonly line?: number };

// Runs as a CommonJS script in the worker. For CommonJS modules the namespace's
// `default` is `module.exports`, which is what Lambda's runtime resolves against.
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { url, file, exportPath, commonjs } = workerData;
const isObject = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');
const lookup = (root) => {
  let value = root;
  for (const segment of exportPath.split('.')) {
    if (!isObject(value) || !(segment in value)) return { found: false };
    value = value[segment];
  }
  return { found: true, value };
};
import(url).then(
  (ns) => {
    const roots = commonjs && isObject(ns.default) ? [ns.default, ns] : [ns];
    const hits = roots.map(lookup).filter((hit) => hit.found);
    const fn = hits.find((hit) => typeof hit.value === 'function');
    if (fn) return parentPort.postMessage({ status: 'ok' });
    if (hits.length > 0) {
      const v = hits[0].value;
      return parentPort.postMessage({ status: 'not-function', type: v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v });
    }
    const names = new Set(Object.keys(ns).filter((k) => !(commonjs && k === 'default')));
    if (commonjs && isObject(ns.default)) for (const k of Object.keys(ns.default)) names.add(k);
    parentPort.postMessage({ status: 'missing', exports: [...names].sort() });
  },
  (err) => {
    const stack = String((err && err.stack) || '');
    const escape = (text) => text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
    const where = new RegExp('(?:' + escape(url) + '|' + escape(file) + '):(\\d+)').exec(stack);
    const line = where ? Number(where[1]) : undefined;
    const error = err instanceof Error ? err.name + ': ' + err.message : 'thrown value: ' + String(err);
    parentPort.postMessage({ status: 'load-error', error, line });
  },
);
`;

/**
 * Imports `modulePath` in a worker thread and checks that `exportPath` (dot-separated,
 * e.g. `handler` or `api.orders`) names a function. ESM modules are looked up in
 * their namespace; CommonJS modules in `module.exports` and then the namespace.
 *
 * @returns undefined when the export is a function, else a message: a missing
 *   export (listing what the module exports), not a function, a load error (syntax
 *   error or exception at load, with its message), an exit during load, or a timeout.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
export async function checkHandlerExport(
  modulePath: string,
  exportPath: string,
  options: HandlerCheckOptions = {},
): Promise<string | undefined> {
  const timeoutMs = options.timeoutMs ?? HANDLER_CHECK_TIMEOUT_MS;
  const workerData = {
    url: pathToFileURL(modulePath).href,
    file: modulePath,
    exportPath,
    commonjs: moduleFormat(modulePath) === 'commonjs',
  };
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData,
    stdout: true,
    stderr: true,
    ...(options.env === undefined ? {} : { env: { ...options.env } }),
  });
  // The module's output is not ours to print; drain it so the worker never blocks.
  worker.stdout.resume();
  worker.stderr.resume();

  const answer = await new Promise<WorkerAnswer | { readonly status: 'timeout' } | { readonly status: 'exit'; readonly code: number } | { readonly status: 'worker-error'; readonly error: unknown }>(
    (resolve) => {
      const timer = setTimeout(() => resolve({ status: 'timeout' }), timeoutMs);
      const settle = (value: Parameters<typeof resolve>[0]): void => {
        clearTimeout(timer);
        resolve(value);
      };
      worker.once('message', (message: WorkerAnswer) => settle(message));
      worker.once('error', (error: unknown) => settle({ status: 'worker-error', error }));
      worker.once('exit', (code) => settle({ status: 'exit', code }));
    },
  );
  await worker.terminate();
  return describeAnswer(answer, modulePath, exportPath, timeoutMs);
}

function describeAnswer(
  answer: WorkerAnswer | { readonly status: 'timeout' } | { readonly status: 'exit'; readonly code: number } | { readonly status: 'worker-error'; readonly error: unknown },
  modulePath: string,
  exportPath: string,
  timeoutMs: number,
): string | undefined {
  switch (answer.status) {
    case 'ok':
      return undefined;
    case 'missing':
      return `export "${exportPath}" not found in ${modulePath} (${answer.exports.length === 0 ? 'it exports nothing' : `it exports: ${answer.exports.join(', ')}`})`;
    case 'not-function':
      return `export "${exportPath}" of ${modulePath} is ${answer.type === 'object' || answer.type === 'array' ? 'an' : 'a'} ${answer.type}, not a function`;
    case 'load-error':
      return `cannot load ${modulePath}${answer.line === undefined ? '' : ` (line ${answer.line})`}: ${answer.error}`;
    case 'timeout':
      return `loading ${modulePath} did not finish within ${timeoutMs / 1000} s`;
    case 'exit':
      return `${modulePath} ended the process (exit code ${answer.code}) while loading`;
    case 'worker-error': {
      const error = answer.error;
      return `cannot load ${modulePath}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    }
  }
}
