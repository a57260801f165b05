/**
 * `sluice` run from its TypeScript sources, for tests that spawn it as a process without building
 * `dist/` first: `node --import tsx test/support/sluice-cli.ts run --config ...`.
 */
import { main } from '../../src/cli.js';

process.exitCode = await main(process.argv.slice(2));
