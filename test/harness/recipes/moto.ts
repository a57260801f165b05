import { join } from 'node:path';
import { EMULATOR_ACCOUNT_ID } from '../kinds.js';
import { requireExecutable } from '../prerequisites.js';
import { probeSqs } from '../probes.js';
import { runCommand } from '../run-command.js';
import type { EmulatorRecipe } from './recipe.js';

const MOTO_VERSION = '5.2.5';

/**
 * moto's server mode from PyPI, in its own venv: SQS, SNS, S3, the Lambda API and more on one port.
 * @see https://docs.getmoto.org/en/latest/docs/server_mode.html
 */
export const motoRecipe: EmulatorRecipe = {
  kind: 'moto',
  version: `moto[server]==${MOTO_VERSION}`,
  fingerprint: `moto[server]==${MOTO_VERSION};venv-1`,
  dir: (cacheDir) => join(cacheDir, 'moto-venv'),
  async install({ dir, env }) {
    const python3 = requireExecutable('python3', env);
    await runCommand(python3, ['-m', 'venv', dir], {
      env,
      what: 'creating the moto venv',
      hints: [
        {
          match: /ensurepip|venv/i,
          hint: 'python3 lacks its venv module (Debian: apt-get install python3-venv)',
        },
      ],
    });
    await runCommand(
      join(dir, 'bin', 'python'),
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', `moto[server]==${MOTO_VERSION}`],
      {
        env: { ...env, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
        what: `pip install moto[server]==${MOTO_VERSION}`,
        hints: [{ match: /Could not find a version|connection|resolve/i, hint: 'PyPI must be reachable (or mirrored via pip config)' }],
      },
    );
  },
  async launch({ dir, port }) {
    return {
      command: join(dir, 'bin', 'moto_server'),
      args: ['-H', '127.0.0.1', '-p', String(port)],
      // One account id for every emulator, as LocalStack uses.
      env: { MOTO_ACCOUNT_ID: EMULATOR_ACCOUNT_ID, PYTHONUNBUFFERED: '1' },
    };
  },
  probeName: 'SQS ListQueues',
  probe: probeSqs,
};
