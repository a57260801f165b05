/**
 * Install and run the test emulators by hand (the test suite does this by itself):
 *
 *   npx tsx scripts/emulators.ts status            what is installed, where
 *   npx tsx scripts/emulators.ts install [KIND...] install missing ones (default: all)
 *   npx tsx scripts/emulators.ts start KIND        run one until Ctrl-C, printing its endpoint
 *   npx tsx scripts/emulators.ts measure [KIND...] time a start/stop of each (warm start)
 *
 * KIND is moto, elasticmq, dynamodb-local or kinesis-local. See test/harness/README.md.
 */
import { once } from 'node:events';
import { emulatorCacheDir } from '../test/harness/cache-dir.js';
import { ensureInstalled, installStatus } from '../test/harness/install.js';
import { EMULATOR_KINDS, isEmulatorKind, type EmulatorKind } from '../test/harness/kinds.js';
import { startEmulator } from '../test/harness/start-emulator.js';

const USAGE = 'usage: tsx scripts/emulators.ts status | install [KIND...] | start KIND | measure [KIND...]';

function parseKinds(args: readonly string[]): EmulatorKind[] {
  if (args.length === 0) return [...EMULATOR_KINDS];
  return args.map((arg) => {
    if (!isEmulatorKind(arg)) throw new Error(`unknown emulator ${JSON.stringify(arg)}; one of ${EMULATOR_KINDS.join(', ')}`);
    return arg;
  });
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'status': {
      process.stdout.write(`cache: ${emulatorCacheDir()}\n`);
      for (const s of installStatus()) {
        process.stdout.write(`${s.kind.padEnd(15)} ${(s.installed ? 'installed' : 'missing').padEnd(10)} ${s.version}  ${s.dir}\n`);
      }
      return;
    }
    case 'install': {
      const reports = await ensureInstalled(parseKinds(rest));
      if (reports.length === 0) process.stdout.write('all requested emulators are installed\n');
      return;
    }
    case 'start': {
      const [kind] = parseKinds(rest);
      if (kind === undefined || rest.length !== 1) throw new Error(USAGE);
      const started = performance.now();
      const emulator = await startEmulator(kind);
      process.stdout.write(
        `${emulator.kind} ready in ${Math.round(performance.now() - started)} ms at ${emulator.endpoint}\n` +
          `AWS_ENDPOINT_URL=${emulator.endpoint} AWS_REGION=${emulator.region} ` +
          `AWS_ACCESS_KEY_ID=${emulator.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${emulator.credentials.secretAccessKey}\n` +
          'Ctrl-C stops it.\n',
      );
      // The emulator's process is unref'd (it must not keep test workers alive): hold the event loop open ourselves.
      const keepAlive = setInterval(() => {}, 1 << 30);
      await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
      clearInterval(keepAlive);
      await emulator.stop();
      return;
    }
    case 'measure': {
      for (const kind of parseKinds(rest)) {
        const started = performance.now();
        const emulator = await startEmulator(kind);
        const ready = performance.now();
        await emulator.stop();
        const stopped = performance.now();
        process.stdout.write(
          `${kind.padEnd(15)} start ${Math.round(ready - started)} ms, stop ${Math.round(stopped - ready)} ms\n`,
        );
      }
      return;
    }
    default:
      throw new Error(USAGE);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
