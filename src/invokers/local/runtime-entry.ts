/**
 * Where the execution environment's entry script (`runtime/runtime-main`) is.
 *
 * Built sluice (`dist/`) runs the compiled `.js` next to this file. When sluice
 * itself runs from its TypeScript sources (vitest, tsx), the environment (a
 * child process, or a worker thread started without sluice's flags) is a
 * plain `node` that cannot load `.ts`, and giving it a TypeScript loader would
 * also change how the user's handler modules load. So the runtime files
 * (which import only Node built-ins and each other) are transpiled once into a
 * temporary directory, keyed by a hash of their sources.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNTIME_DIR = new URL('./runtime/', import.meta.url);
const ENTRY = 'runtime-main';

let cached: Promise<string> | undefined;

/** Absolute path of the script each execution environment runs. */
export function resolveRuntimeEntry(): Promise<string> {
  cached ??= import.meta.url.endsWith('.ts')
    ? transpileRuntime()
    : Promise.resolve(fileURLToPath(new URL(`${ENTRY}.js`, RUNTIME_DIR)));
  return cached;
}

async function transpileRuntime(): Promise<string> {
  const sourceDir = fileURLToPath(RUNTIME_DIR);
  const names = (await readdir(sourceDir)).filter((name) => name.endsWith('.ts')).sort();
  const sources = await Promise.all(names.map(async (name) => [name, await readFile(join(sourceDir, name), 'utf8')] as const));
  const hash = createHash('sha256');
  for (const [name, text] of sources) hash.update(name).update('\0').update(text).update('\0');
  const outDir = join(tmpdir(), `sluice-local-runtime-${hash.digest('hex').slice(0, 16)}`);
  const entry = join(outDir, `${ENTRY}.js`);
  // The entry is written last, so its presence means the directory is complete.
  if (existsSync(entry)) return entry;

  const ts = (await import('typescript')).default;
  await mkdir(outDir, { recursive: true });
  const write = async (name: string, text: string): Promise<void> => {
    // Write-then-rename, so concurrent processes never see a half-written file.
    const temp = join(outDir, `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}`);
    await writeFile(temp, text);
    await rename(temp, join(outDir, name));
  };
  await write('package.json', '{ "type": "module" }\n');
  const transpiled = sources.map(([name, text]) => {
    const { outputText } = ts.transpileModule(text, {
      fileName: name,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
    });
    return [name.replace(/\.ts$/, '.js'), outputText] as const;
  });
  for (const [name, text] of transpiled) if (name !== `${ENTRY}.js`) await write(name, text);
  for (const [name, text] of transpiled) if (name === `${ENTRY}.js`) await write(name, text);
  return entry;
}
