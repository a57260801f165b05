import type { TestProject } from 'vitest/node';
import { externalTestEndpoint } from './external-endpoint.js';
import { ensureInstalled } from './install.js';
import { kindsUsedByFiles } from './needed-kinds.js';

/**
 * vitest globalSetup: before any test file runs, installs the emulators this run's test files use (only
 * those missing from the cache; nothing when SLUICE_TEST_ENDPOINT is set). Missing programs or a failed
 * install fail the whole run here, with what to install, instead of failing file by file.
 */
export default async function setup(project: TestProject): Promise<void> {
  const external = externalTestEndpoint(process.env);
  if (external !== undefined) {
    process.stderr.write(`[sluice emulators] SLUICE_TEST_ENDPOINT=${external}: using it for every emulator, installing nothing\n`);
    return;
  }
  const kinds = await kindsUsedByFiles(await testFilesOfThisRun(project));
  if (kinds.length === 0) return;
  await ensureInstalled(kinds);
}

/** The files vitest is about to run (filters applied), or every test file when vitest does not say. */
async function testFilesOfThisRun(project: TestProject): Promise<string[]> {
  const state = project.vitest.state as { getPaths?: () => string[] };
  const paths = typeof state.getPaths === 'function' ? state.getPaths() : [];
  if (paths.length > 0) return paths;
  return (await project.globTestFiles()).testFiles;
}
