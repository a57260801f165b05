import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where emulators are installed: `$SLUICE_EMULATOR_CACHE`, or else `~/.cache/sluice/emulators`.
 * Outside the git tree on purpose: installs survive `git clean` and are shared by every checkout.
 */
export function emulatorCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env['SLUICE_EMULATOR_CACHE'];
  if (configured !== undefined && configured.trim() !== '') return resolve(configured);
  return join(homedir(), '.cache', 'sluice', 'emulators');
}
