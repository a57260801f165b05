import { afterAll, beforeAll } from 'vitest';
import type { Emulator, StartEmulatorOptions, TestTargetKind } from './kinds.js';
import { startEmulator } from './start-emulator.js';

/** The emulator of the enclosing `describe`, once its `beforeAll` has run. */
export type EmulatorHandle = () => Emulator;

/**
 * Starts `kind` in a `beforeAll` and stops it in an `afterAll` of the enclosing suite, and returns a getter:
 *
 * ```ts
 * describe.each(sqsEmulators())('on %s', (kind) => {
 *   const emulator = useEmulator(kind);
 *   it('receives', async () => {
 *     const sqs = new SQSClient(clientConfig(emulator()));
 *   });
 * });
 * ```
 */
export function useEmulator(kind: TestTargetKind, options: StartEmulatorOptions = {}): EmulatorHandle {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator(kind, options);
  });
  afterAll(async () => {
    await emulator?.stop();
    emulator = undefined;
  });
  return () => {
    if (emulator === undefined) {
      throw new Error(`useEmulator('${kind}'): the emulator exists only inside tests and hooks of the suite that called useEmulator`);
    }
    return emulator;
  };
}
