import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../free-port.js';
import { EMULATOR_ACCOUNT_ID, EMULATOR_REGION } from '../kinds.js';
import { requireExecutable } from '../prerequisites.js';
import { probeKinesis } from '../probes.js';
import { runCommand } from '../run-command.js';
import type { EmulatorRecipe } from './recipe.js';

const KINESIS_LOCAL_VERSION = '0.6.2';

const LOOPBACK_SHIM = fileURLToPath(new URL('./loopback-only.cjs', import.meta.url));

/** Stream state changes (create, delete, reshard, consumers) take this long instead of 500 ms, so tests stay fast. */
const TRANSITION_DURATION = '10ms';

/**
 * kinesis-local from npm: kinesis-mock compiled to one JavaScript file, run on this Node. It always listens
 * on 0.0.0.0, so a preloaded shim (loopback-only.cjs) binds it to 127.0.0.1. It serves HTTP on the plain port
 * (our endpoint) and HTTPS on a second one we also pick, so two instances never clash on the default 4567.
 * @see https://github.com/etspaceman/kinesis-mock#service-configuration
 */
export const kinesisLocalRecipe: EmulatorRecipe = {
  kind: 'kinesis-local',
  version: `kinesis-local@${KINESIS_LOCAL_VERSION}`,
  fingerprint: `kinesis-local@${KINESIS_LOCAL_VERSION};npm-1`,
  dir: (cacheDir) => join(cacheDir, 'kinesis-local'),
  async install({ dir, env }) {
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'sluice-kinesis-local', private: true }, null, 2));
    await runCommand(
      requireExecutable('npm', env),
      ['install', '--prefix', dir, '--no-audit', '--no-fund', '--omit=dev', `kinesis-local@${KINESIS_LOCAL_VERSION}`],
      {
        cwd: dir,
        env,
        what: `npm install kinesis-local@${KINESIS_LOCAL_VERSION}`,
        hints: [{ match: /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|E404/i, hint: 'the npm registry must be reachable' }],
      },
    );
  },
  async launch({ dir, port, runDir }) {
    const packageDir = join(dir, 'node_modules', 'kinesis-local');
    return {
      command: process.execPath,
      args: ['--require', LOOPBACK_SHIM, join(packageDir, 'main.js')],
      cwd: runDir,
      env: {
        NODE_OPTIONS: '',
        SLUICE_BIND_HOST: '127.0.0.1',
        KINESIS_MOCK_PLAIN_PORT: String(port),
        KINESIS_MOCK_TLS_PORT: String(await freePort()),
        KINESIS_MOCK_CERT_PATH: join(packageDir, 'server.json'),
        AWS_REGION: EMULATOR_REGION,
        AWS_ACCOUNT_ID: EMULATOR_ACCOUNT_ID,
        SHOULD_PERSIST_DATA: 'false',
        LOAD_DATA_IF_EXISTS: 'false',
        LOG_LEVEL: 'WARN',
        CREATE_STREAM_DURATION: TRANSITION_DURATION,
        DELETE_STREAM_DURATION: TRANSITION_DURATION,
        REGISTER_STREAM_CONSUMER_DURATION: TRANSITION_DURATION,
        DEREGISTER_STREAM_CONSUMER_DURATION: TRANSITION_DURATION,
        START_STREAM_ENCRYPTION_DURATION: TRANSITION_DURATION,
        STOP_STREAM_ENCRYPTION_DURATION: TRANSITION_DURATION,
        MERGE_SHARDS_DURATION: TRANSITION_DURATION,
        SPLIT_SHARD_DURATION: TRANSITION_DURATION,
        UPDATE_SHARD_COUNT_DURATION: TRANSITION_DURATION,
        UPDATE_STREAM_MODE_DURATION: TRANSITION_DURATION,
      },
    };
  },
  probeName: 'Kinesis ListStreams',
  probe: probeKinesis,
};
