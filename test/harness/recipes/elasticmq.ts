import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EMULATOR_ACCOUNT_ID, EMULATOR_REGION } from '../kinds.js';
import { requireExecutable } from '../prerequisites.js';
import { probeSqs } from '../probes.js';
import { installMavenClasspath, JVM_FLAGS } from './maven-classpath.js';
import type { EmulatorRecipe } from './recipe.js';

const ELASTICMQ = { groupId: 'org.elasticmq', artifactId: 'elasticmq-server_2.13', version: '1.7.1' } as const;

/**
 * ElasticMQ from Maven Central (no fat jar there: Maven resolves the classpath), run with a generated
 * config that binds 127.0.0.1 and makes queue URLs and ARNs name that host, port, region and account.
 * @see https://github.com/softwaremill/elasticmq#installation-stand-alone
 */
export const elasticmqRecipe: EmulatorRecipe = {
  kind: 'elasticmq',
  version: `${ELASTICMQ.groupId}:${ELASTICMQ.artifactId}:${ELASTICMQ.version}`,
  fingerprint: `${ELASTICMQ.groupId}:${ELASTICMQ.artifactId}:${ELASTICMQ.version};classpath-1`,
  dir: (cacheDir) => join(cacheDir, 'elasticmq'),
  async install(ctx) {
    await installMavenClasspath(ctx, ELASTICMQ);
  },
  async launch({ dir, port, runDir, env }) {
    const configFile = join(runDir, 'elasticmq.conf');
    await writeFile(configFile, elasticmqConfig(port));
    return {
      command: requireExecutable('java', env),
      args: [...JVM_FLAGS, `-Dconfig.file=${configFile}`, '-cp', join(dir, 'lib', '*'), 'org.elasticmq.server.Main'],
      cwd: runDir,
    };
  },
  probeName: 'SQS ListQueues',
  probe: probeSqs,
};

/** HOCON for one ElasticMQ on `port`; `strict` keeps SQS's limits (message size, batch size, wait time). */
export function elasticmqConfig(port: number): string {
  return `include classpath("application.conf")

node-address {
  protocol = "http"
  host = "127.0.0.1"
  port = ${port}
  context-path = ""
}
rest-sqs {
  enabled = true
  bind-port = ${port}
  bind-hostname = "127.0.0.1"
  sqs-limits = strict
}
generate-node-address = false
aws {
  region = "${EMULATOR_REGION}"
  accountId = "${EMULATOR_ACCOUNT_ID}"
}
`;
}
