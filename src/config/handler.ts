/**
 * Lambda's `Handler` setting for Node.js, resolved the way the runtime does:
 * `dir/module.export.path` names the module `dir/module` and a (possibly
 * nested, dot-separated) export path.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The module files Lambda's Node.js runtime tries, in its order. */
export const HANDLER_EXTENSIONS = ['.js', '.mjs', '.cjs'] as const;

export interface HandlerReference {
  /** Absolute module path without extension. */
  readonly moduleBase: string;
  /** Export path inside the module, e.g. `handler` or `api.orders.handler`. */
  readonly exportPath: string;
}

/**
 * Splits a Handler setting as Lambda's runtime does: the module is the basename
 * up to its FIRST dot, the rest is the export path. Relative paths resolve
 * against `baseDir`. Returns an error message for a malformed setting.
 */
export function parseHandler(handler: string, baseDir: string): HandlerReference | { readonly error: string } {
  const basename = path.basename(handler);
  const moduleRoot = handler.slice(0, handler.length - basename.length);
  const dot = basename.indexOf('.');
  const moduleName = dot === -1 ? '' : basename.slice(0, dot);
  const exportPath = dot === -1 ? '' : basename.slice(dot + 1);
  if (handler.endsWith('/') || moduleName === '' || exportPath === '' || exportPath.split('.').some((segment) => segment === '')) {
    return {
      error: `must be MODULE.EXPORT as Lambda's Handler setting (e.g. ./functions/orders.handler), got ${JSON.stringify(handler)}`,
    };
  }
  return { moduleBase: path.resolve(baseDir, moduleRoot, moduleName), exportPath };
}

/** The candidate files for a module, in the order Lambda's runtime tries them. */
export function handlerCandidates(moduleBase: string): string[] {
  return HANDLER_EXTENSIONS.map((extension) => `${moduleBase}${extension}`);
}

/** The first candidate file that exists, or undefined. */
export function findHandlerFile(moduleBase: string): string | undefined {
  return handlerCandidates(moduleBase).find(isFile);
}

/** True when `file` exists and is a regular file. */
export function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * How Node loads `file`: `.mjs` is ESM, `.cjs` CommonJS, and `.js` follows the
 * nearest package.json's `"type"` (CommonJS unless `"module"`).
 *
 * @see https://nodejs.org/api/packages.html#determining-module-system
 */
export function moduleFormat(file: string): 'esm' | 'commonjs' {
  if (file.endsWith('.mjs')) return 'esm';
  if (file.endsWith('.cjs')) return 'commonjs';
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
        return (parsed as { type?: unknown }).type === 'module' ? 'esm' : 'commonjs';
      } catch {
        return 'commonjs';
      }
    }
    if (path.dirname(dir) === dir) return 'commonjs';
  }
}
