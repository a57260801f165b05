import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      'sluice/testing': fileURLToPath(new URL('./src/testing.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real emulators (JVMs, Python): two cores, so few at once.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Emulator installs happen once, before any test file runs.
    globalSetup: ['test/harness/global-setup.ts'],
  },
});
