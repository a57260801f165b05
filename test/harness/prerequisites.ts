import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SluiceError } from '../../src/errors.js';
import type { EmulatorKind } from './kinds.js';

/** A program an emulator needs on PATH, and what to install when it is missing. */
export const PREREQUISITES = {
  python3: 'install Python 3.9+ with its venv module (Debian: apt-get install python3 python3-venv)',
  java: 'install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless)',
  javac: 'install a JDK 17, not only a JRE (Debian: apt-get install openjdk-17-jdk-headless)',
  mvn: 'install Maven 3.8+ (Debian: apt-get install maven)',
  npm: 'install npm, which comes with Node.js 20.19+ (Debian: apt-get install npm)',
} as const;

export type Prerequisite = keyof typeof PREREQUISITES;

/** The oldest Java the JVM emulators run on (DynamoDB Local 2.x ships Jetty 12, which needs 17). */
export const MINIMUM_JAVA_MAJOR = 17;

/** Programs each emulator needs to install and to run. */
export const KIND_PREREQUISITES: Readonly<Record<EmulatorKind, readonly Prerequisite[]>> = {
  moto: ['python3'],
  elasticmq: ['java', 'mvn'],
  'dynamodb-local': ['java', 'javac', 'mvn'],
  'kinesis-local': ['npm'],
};

/** The absolute path of `name` on `env.PATH`, or undefined. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** The major version `java -version` reports (`17` for `17.0.15`, `8` for `1.8.0_392`), or undefined. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (match === null) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/**
 * Every problem with the programs `kinds` need, each a line saying what to install, e.g.
 * `java not found: install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless)`. Empty when all is there.
 */
export function findPrerequisiteProblems(
  kinds: readonly EmulatorKind[],
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const needed = new Set(kinds.flatMap((kind) => KIND_PREREQUISITES[kind]));
  const problems: string[] = [];
  for (const name of Object.keys(PREREQUISITES) as Prerequisite[]) {
    if (!needed.has(name)) continue;
    const path = findExecutable(name, env);
    if (path === undefined) {
      const users = kinds.filter((kind) => KIND_PREREQUISITES[kind].includes(name));
      problems.push(`${name} not found (needed by ${users.join(', ')}): ${PREREQUISITES[name]}`);
    } else if (name === 'java') {
      const problem = javaVersionProblem(path, env);
      if (problem !== undefined) problems.push(problem);
    }
  }
  return problems;
}

/** Throws `EmulatorPrerequisiteMissing` listing every missing program and what to install. */
export function assertPrerequisites(kinds: readonly EmulatorKind[], env: NodeJS.ProcessEnv = process.env): void {
  const problems = findPrerequisiteProblems(kinds, env);
  if (problems.length === 0) return;
  throw new SluiceError(
    'EmulatorPrerequisiteMissing',
    `Integration tests need programs that are missing (PATH=${env['PATH'] ?? ''}):\n  ${problems.join('\n  ')}`,
  );
}

/** The absolute path of a prerequisite, or a thrown `EmulatorPrerequisiteMissing` saying what to install. */
export function requireExecutable(name: Prerequisite, env: NodeJS.ProcessEnv = process.env): string {
  const path = findExecutable(name, env);
  if (path === undefined) {
    throw new SluiceError('EmulatorPrerequisiteMissing', `${name} not found: ${PREREQUISITES[name]}`);
  }
  return path;
}

function javaVersionProblem(javaPath: string, env: NodeJS.ProcessEnv): string | undefined {
  const result = spawnSync(javaPath, ['-version'], { env, encoding: 'utf8', timeout: 30_000 });
  const output = `${result.stderr ?? ''}${result.stdout ?? ''}`;
  const major = parseJavaMajor(output);
  if (major === undefined) {
    return `java at ${javaPath} did not report its version (${output.trim() || String(result.error)}): ${PREREQUISITES.java}`;
  }
  if (major < MINIMUM_JAVA_MAJOR) {
    return `java at ${javaPath} is Java ${major}, the emulators need ${MINIMUM_JAVA_MAJOR}+: ${PREREQUISITES.java}`;
  }
  return undefined;
}
