import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/errors.js';
import { ensureInstalled } from '../harness/install.js';
import type { EmulatorKind } from '../harness/kinds.js';
import { assertPrerequisites, findPrerequisiteProblems, parseJavaMajor } from '../harness/prerequisites.js';

const scratch = mkdtempSync(join(tmpdir(), 'sluice-prereq-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A directory to use as PATH, holding fake executables (`java` prints `javaVersion` like `java -version`). */
function fakePath(name: string, programs: readonly string[], javaVersion = '17.0.15'): string {
  const dir = join(scratch, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const program of programs) {
    const file = join(dir, program);
    const body = program === 'java' ? `echo 'openjdk version "${javaVersion}" 2025-04-15' >&2` : 'exit 0';
    writeFileSync(file, `#!/bin/sh\n${body}\n`, { flag: 'w' });
    chmodSync(file, 0o755);
  }
  return dir;
}

describe('prerequisite check', () => {
  it('names java and what to install when PATH lacks it', () => {
    const path = fakePath('no-java', ['python3', 'mvn', 'javac', 'npm']);
    expect(findPrerequisiteProblems(['elasticmq'], { PATH: path })).toEqual([
      'java not found (needed by elasticmq): install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless)',
    ]);
  });

  it('throws EmulatorPrerequisiteMissing listing every missing program', () => {
    const path = fakePath('empty', []);
    let thrown: unknown;
    try {
      assertPrerequisites(['moto', 'elasticmq', 'dynamodb-local', 'kinesis-local'], { PATH: path });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SluiceError);
    expect((thrown as SluiceError).code).toBe('EmulatorPrerequisiteMissing');
    const message = (thrown as SluiceError).message;
    expect(message).toContain('python3 not found (needed by moto): install Python 3.9+ with its venv module (Debian: apt-get install python3 python3-venv)');
    expect(message).toContain('java not found (needed by elasticmq, dynamodb-local): install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless)');
    expect(message).toContain('javac not found (needed by dynamodb-local): install a JDK 17, not only a JRE');
    expect(message).toContain('mvn not found (needed by elasticmq, dynamodb-local): install Maven 3.8+ (Debian: apt-get install maven)');
    expect(message).toContain('npm not found (needed by kinesis-local)');
  });

  it.each<[EmulatorKind, readonly string[]]>([
    ['moto', ['python3']],
    ['elasticmq', ['java', 'mvn']],
    ['dynamodb-local', ['java', 'javac', 'mvn']],
    ['kinesis-local', ['npm']],
  ])('%s is satisfied by exactly %j', (kind, programs) => {
    expect(findPrerequisiteProblems([kind], { PATH: fakePath(`only-${kind}`, programs) })).toEqual([]);
    for (const missing of programs) {
      const rest = programs.filter((program) => program !== missing);
      const problems = findPrerequisiteProblems([kind], { PATH: fakePath(`${kind}-without-${missing}`, rest) });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${missing} not found \\(needed by ${kind}\\): install `));
    }
  });

  it('rejects a Java older than 17', () => {
    const path = fakePath('old-java', ['java', 'mvn'], '11.0.22');
    expect(findPrerequisiteProblems(['elasticmq'], { PATH: path })).toEqual([
      expect.stringMatching(/is Java 11, the emulators need 17\+: install a JDK 17 \(Debian: apt-get install openjdk-17-jdk-headless\)$/),
    ]);
  });

  it('fails the install (never skips it) when java is missing', async () => {
    const cacheDir = join(scratch, 'cache');
    const path = fakePath('install-no-java', ['mvn', 'javac']);
    await expect(ensureInstalled(['dynamodb-local'], { cacheDir, env: { PATH: path }, log: () => {} })).rejects.toThrow(
      /java not found \(needed by dynamodb-local\): install a JDK 17 \(Debian: apt-get install openjdk-17-jdk-headless\)/,
    );
  });
});

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_392"', 8],
    ['openjdk version "11.0.22" 2024-01-16 LTS', 11],
    ['no version here', undefined],
  ])('%s -> %s', (output, major) => {
    expect(parseJavaMajor(output)).toBe(major);
  });
});
