/** Temporary project directories for config tests: a config file plus handler modules. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Project {
  readonly dir: string;
  /** Absolute path of `sluice.yaml` in `dir`. */
  readonly configFile: string;
  write(relative: string, content: string): string;
  remove(): void;
}

/** A handler module every fixture can point at: `./functions/orders.handler`. */
export const ORDERS_HANDLER = 'export const handler = async (event) => ({ ok: true, event });\n';

/** Creates a temp project with `files` (relative path → content); `sluice.yaml` is the config. */
export function createProject(files: Readonly<Record<string, string>> = {}): Project {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-config-'));
  const write = (relative: string, content: string): string => {
    const target = path.join(dir, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    return target;
  };
  for (const [relative, content] of Object.entries(files)) write(relative, content);
  return { dir, configFile: path.join(dir, 'sluice.yaml'), write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Removes the common leading indentation and the first newline of a template literal. */
export function yaml(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length);
  const cut = Math.min(...indents);
  return lines.map((line) => line.slice(cut)).join('\n').replace(/[ \t]+$/, '');
}
