/**
 * Rules of one function: exactly one of handler / invoker, the handler module
 * found the way Lambda's runtime looks for it, and (optionally) its export
 * checked in a worker thread.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { ConfigPath } from './config-path.js';
import type { Report } from './check-mapping.js';
import { checkHandlerExport } from './handler-check.js';
import { findHandlerFile, handlerCandidates, isFile, parseHandler } from './handler.js';
import type { RawFunction } from './schema.js';
import { splitCommand } from './split-command.js';

export interface FunctionCheckContext {
  readonly baseDir: string;
  /** Import handler modules (in a worker) to prove the export is a function. */
  readonly checkHandlers: boolean;
  /** The environment the loader was given; handler modules load with it plus the function's. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly report: Report;
}

const LOADABLE = /\.(?:js|mjs|cjs)$/;

/** Checks one function that passed the schema. */
export async function checkFunction(
  name: string,
  fn: RawFunction,
  at: ConfigPath,
  { baseDir, checkHandlers, env, report }: FunctionCheckContext,
): Promise<void> {
  if (fn.handler !== undefined && fn.invoker !== undefined) {
    report(at, `${name} must have either handler or invoker, not both`);
    return;
  }
  if (fn.handler === undefined && fn.invoker === undefined) {
    report(at, `${name} must have a handler or an invoker`);
    return;
  }
  if (fn.isolation !== undefined && fn.handler === undefined) {
    report([...at, 'isolation'], `${name}: isolation applies only to a local handler, not to an invoker of type ${fn.invoker?.type}`);
  }
  if (fn.handler !== undefined) {
    const handlerPath = [...at, 'handler'];
    const reference = parseHandler(fn.handler, baseDir);
    if ('error' in reference) {
      report(handlerPath, `handler ${reference.error}`);
      return;
    }
    const file = findHandlerFile(reference.moduleBase);
    if (file === undefined) {
      report(handlerPath, `handler module not found: tried ${handlerCandidates(reference.moduleBase).join(', ')}`);
      return;
    }
    if (!checkHandlers) return;
    const problem = await checkHandlerExport(file, reference.exportPath, { env: handlerEnv(env, fn.environment) });
    if (problem !== undefined) report(handlerPath, `handler ${problem}`);
    return;
  }
  const invoker = fn.invoker;
  const invokerPath = [...at, 'invoker'];
  if (invoker?.type === 'command') {
    if (typeof invoker.command === 'string') {
      const argv = splitCommand(invoker.command);
      if (!Array.isArray(argv)) report([...invokerPath, 'command'], `command ${argv.error}`);
      else if (argv.length === 0) report([...invokerPath, 'command'], 'command must not be empty');
    }
    if (invoker.cwd !== undefined) {
      const cwd = path.resolve(baseDir, invoker.cwd);
      if (!isDirectory(cwd)) report([...invokerPath, 'cwd'], `cwd directory not found: ${cwd}`);
    }
  }
  if (invoker?.type === 'module') {
    const file = path.resolve(baseDir, invoker.module);
    if (!isFile(file)) {
      report([...invokerPath, 'module'], `module not found: ${file}`);
      return;
    }
    if (checkHandlers && LOADABLE.test(file)) {
      const problem = await checkHandlerExport(file, 'createInvoker');
      if (problem !== undefined) report([...invokerPath, 'module'], `module ${problem}`);
    }
  }
}

/** What a handler module sees at load: the loader's environment plus the function's. */
function handlerEnv(
  base: Readonly<Record<string, string | undefined>>,
  environment: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  return { ...env, ...environment };
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
