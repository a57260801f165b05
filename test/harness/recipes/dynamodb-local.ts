import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireExecutable } from '../prerequisites.js';
import { probeDynamoDb } from '../probes.js';
import { runCommand } from '../run-command.js';
import { installMavenClasspath, JVM_FLAGS } from './maven-classpath.js';
import type { EmulatorRecipe } from './recipe.js';

/**
 * 2.x, not 3.x: 3.3.1's pom pins AWS SDK artifacts (2.48.3) that Maven Central mirrors may not carry yet.
 * 2.x supports DynamoDB Streams.
 */
const DYNAMODB_LOCAL = { groupId: 'com.amazonaws', artifactId: 'DynamoDBLocal', version: '2.6.1' } as const;

const LAUNCHER_SOURCE = fileURLToPath(new URL('./LoopbackServerRunner.java', import.meta.url));
const LAUNCHER_HASH = createHash('sha256').update(readFileSync(LAUNCHER_SOURCE)).digest('hex').slice(0, 12);

/** sqlite4java's JNI libraries, which Maven resolves as plain dependencies next to the jars. */
const NATIVE_LIBRARY = /\.(so|dylib|dll)$/;

/**
 * DynamoDB Local from Maven Central, in memory, with telemetry off, bound to 127.0.0.1 through a tiny
 * launcher (LoopbackServerRunner.java) since DynamoDB Local has no bind-address option.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DynamoDBLocal.DownloadingAndRunning.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DynamoDBLocal.UsageNotes.html
 */
export const dynamodbLocalRecipe: EmulatorRecipe = {
  kind: 'dynamodb-local',
  version: `${DYNAMODB_LOCAL.groupId}:${DYNAMODB_LOCAL.artifactId}:${DYNAMODB_LOCAL.version}`,
  fingerprint: `${DYNAMODB_LOCAL.groupId}:${DYNAMODB_LOCAL.artifactId}:${DYNAMODB_LOCAL.version};launcher-${LAUNCHER_HASH}`,
  dir: (cacheDir) => join(cacheDir, 'dynamodb-local'),
  async install(ctx) {
    const libDir = await installMavenClasspath(ctx, DYNAMODB_LOCAL);
    const nativeDir = join(ctx.dir, 'native');
    await mkdir(nativeDir, { recursive: true });
    const natives = (await readdir(libDir)).filter((name) => NATIVE_LIBRARY.test(name));
    if (natives.length === 0) {
      throw new Error(`no sqlite4java native libraries among DynamoDB Local's dependencies in ${libDir}`);
    }
    await Promise.all(natives.map((name) => copyFile(join(libDir, name), join(nativeDir, name))));
    await runCommand(
      requireExecutable('javac', ctx.env),
      ['-cp', join(libDir, '*'), '-d', join(ctx.dir, 'launcher'), LAUNCHER_SOURCE],
      { env: ctx.env, what: 'compiling the DynamoDB Local loopback launcher' },
    );
  },
  async launch({ dir, port, runDir, env }) {
    return {
      command: requireExecutable('java', env),
      args: [
        ...JVM_FLAGS,
        `-Djava.library.path=${join(dir, 'native')}`,
        '-Dsluice.bindHost=127.0.0.1',
        '-cp',
        [join(dir, 'launcher'), join(dir, 'lib', '*')].join(delimiter),
        'LoopbackServerRunner',
        '-inMemory',
        // One database whatever the credentials and region, so a client configured differently still sees the tables.
        '-sharedDb',
        '-disableTelemetry',
        '-port',
        String(port),
      ],
      env: { DDB_LOCAL_TELEMETRY: '0' },
      cwd: runDir,
    };
  },
  probeName: 'DynamoDB ListTables',
  probe: probeDynamoDb,
};
