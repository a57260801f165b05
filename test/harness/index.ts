/**
 * sluice's integration-test harness: emulators installed into a cache on first use, started per test file on
 * free loopback ports, stopped afterwards. See README.md beside this file.
 */
export { clientConfig } from './client-config.js';
export { emulatorCacheDir } from './cache-dir.js';
export { externalTestEndpoint, isLoopbackHost } from './external-endpoint.js';
export { ensureInstalled, installStatus, type EnsureInstalledOptions, type InstallReport, type InstallStatus } from './install.js';
export {
  EMULATOR_ACCOUNT_ID,
  EMULATOR_CREDENTIALS,
  EMULATOR_KINDS,
  EMULATOR_REGION,
  isEmulatorKind,
  type Emulator,
  type EmulatorClientConfig,
  type EmulatorKind,
  type StartEmulatorOptions,
  type TestTargetKind,
} from './kinds.js';
export { assertPrerequisites, findPrerequisiteProblems } from './prerequisites.js';
export { sqsEmulators } from './sqs-emulators.js';
export { kinesisDataFile, type DataFileRecord, type KinesisDataFile } from './kinesis-data-file.js';
export { startEmulator } from './start-emulator.js';
export { useEmulator, type EmulatorHandle } from './use-emulator.js';
