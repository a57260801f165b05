import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SluiceError } from '../../src/errors.js';
import { emulatorCacheDir } from './cache-dir.js';
import { spawnEmulatorProcess, type EmulatorProcess } from './emulator-process.js';
import { externalTestEndpoint } from './external-endpoint.js';
import { freePort } from './free-port.js';
import { ensureInstalled } from './install.js';
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type Emulator,
  type EmulatorKind,
  type StartEmulatorOptions,
  type TestTargetKind,
} from './kinds.js';
import { probeSqs } from './probes.js';
import { RECIPES, type EmulatorRecipe } from './recipes/index.js';
import { waitUntilReady } from './wait-until-ready.js';

const DEFAULT_START_TIMEOUT_MS = 120_000;
const EXTERNAL_TIMEOUT_MS = 30_000;
/** A port taken between `freePort()` and the emulator's bind: start again on another port. */
const PORT_CLASH = /address already in use|EADDRINUSE|BindException/i;
const START_ATTEMPTS = 3;

/**
 * Starts an emulator on a free 127.0.0.1 port (installing it first if this machine never has) and resolves
 * once it answers a real API call (SQS ListQueues, DynamoDB ListTables, Kinesis ListStreams). When
 * `SLUICE_TEST_ENDPOINT` is set, nothing starts: the result points at that endpoint (kind `localstack`) and
 * `stop()` does nothing.
 */
export async function startEmulator(kind: TestTargetKind, options: StartEmulatorOptions = {}): Promise<Emulator> {
  const external = externalTestEndpoint(process.env);
  if (external !== undefined) return connectExternal(kind, external, options);
  if (kind === 'localstack') {
    throw new SluiceError(
      'LocalStackNotConfigured',
      'The localstack target needs SLUICE_TEST_ENDPOINT pointing at a running LocalStack, e.g. ' +
        'SLUICE_TEST_ENDPOINT=http://localhost:4566 (see test/harness/README.md)',
    );
  }
  return startLocal(kind, options);
}

async function startLocal(kind: EmulatorKind, options: StartEmulatorOptions): Promise<Emulator> {
  const recipe = RECIPES[kind];
  const cacheDir = emulatorCacheDir();
  await ensureInstalled([kind], { cacheDir });
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const runDir = await mkdtemp(join(tmpdir(), `sluice-${kind}-`));
    const endpoint = `http://127.0.0.1:${port}`;
    let child: EmulatorProcess | undefined;
    try {
      child = await spawnRecipe(recipe, { cacheDir, port, runDir }, options);
      await waitUntilReady({
        name: `${kind} (${recipe.version})`,
        endpoint,
        probe: recipe.probe,
        probeName: recipe.probeName,
        timeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
        process: child,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
    } catch (err) {
      await child?.stop();
      await rm(runDir, { recursive: true, force: true });
      const clashed = child?.exit() !== undefined && PORT_CLASH.test(child.output.text());
      if (clashed && attempt < START_ATTEMPTS) continue;
      throw err;
    }
    const running = child;
    return {
      kind,
      endpoint,
      region: EMULATOR_REGION,
      credentials: EMULATOR_CREDENTIALS,
      processGroup: running.pid,
      async stop() {
        await running.stop();
        await rm(runDir, { recursive: true, force: true });
      },
      logs: () => running.output.text(),
    };
  }
}

async function spawnRecipe(
  recipe: EmulatorRecipe,
  where: { cacheDir: string; port: number; runDir: string },
  options: StartEmulatorOptions,
): Promise<EmulatorProcess> {
  const env = process.env;
  const spec = await recipe.launch({ ...where, dir: recipe.dir(where.cacheDir), env });
  return spawnEmulatorProcess({
    command: spec.command,
    args: spec.args,
    cwd: spec.cwd ?? where.runDir,
    // NODE_OPTIONS of the test process (loaders, inspectors) must not leak into node-based emulators.
    env: { ...env, NODE_OPTIONS: '', ...spec.env, ...options.env },
  });
}

async function connectExternal(kind: TestTargetKind, endpoint: string, options: StartEmulatorOptions): Promise<Emulator> {
  const recipe = kind === 'localstack' ? undefined : RECIPES[kind];
  await waitUntilReady({
    name: `SLUICE_TEST_ENDPOINT (standing in for ${kind})`,
    endpoint,
    probe: recipe?.probe ?? probeSqs,
    probeName: recipe?.probeName ?? 'SQS ListQueues',
    timeoutMs: options.startTimeoutMs ?? EXTERNAL_TIMEOUT_MS,
    advice: 'Is LocalStack running there? (localstack/ has a docker-compose file; or unset SLUICE_TEST_ENDPOINT to use the built-in emulators)',
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return {
    kind: 'localstack',
    endpoint,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
    stop: async () => {},
    logs: () => '',
  };
}
