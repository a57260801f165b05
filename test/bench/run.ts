/**
 * `npm run bench -- <name> [...]`: runs test/bench/<name>.ts, whose default export
 * measures sluice against a baseline measured in the same run and prints the ratio.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  // Not the runner, its helpers (`_*.ts`) or the helpers' own vitest tests (`*.test.ts`).
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : available;
for (const name of names) {
  if (!available.includes(name)) {
    console.error(`unknown benchmark "${name}"; available: ${available.join(', ')}`);
    process.exit(2);
  }
}
for (const name of names) {
  console.log(`\n== bench ${name} ==`);
  const mod = (await import(`./${name}.ts`)) as { default: (args: string[]) => Promise<void> };
  await mod.default(process.argv.slice(2));
}
