import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { SluiceError } from '../../errors.js';
import { InvokerErrorCode } from '../invoker.js';

/**
 * Finds the file a command's program runs: a path (with a `/`) against `cwd`,
 * a bare name on the environment's `PATH`, as the shell would. `undefined` when
 * there is none that is executable.
 */
export async function resolveProgram(
  program: string,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string | undefined> {
  const candidates = program.includes('/')
    ? [isAbsolute(program) ? program : resolve(cwd, program)]
    : (env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, program));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

/** Throws `HandlerLoadFailed` when the working directory or the program is missing. */
export async function assertProgramRuns(
  argv: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const program = argv[0];
  if (program === undefined) {
    throw new SluiceError(InvokerErrorCode.HandlerLoadFailed, 'command is empty: give at least the program to run');
  }
  const dir = await stat(cwd).catch(() => undefined);
  if (dir?.isDirectory() !== true) {
    throw new SluiceError(InvokerErrorCode.HandlerLoadFailed, `command working directory ${JSON.stringify(cwd)} does not exist`);
  }
  if ((await resolveProgram(program, cwd, env)) === undefined) {
    throw new SluiceError(
      InvokerErrorCode.HandlerLoadFailed,
      `command program ${JSON.stringify(program)} is not an executable file${program.includes('/') ? ` (relative to ${cwd})` : ' on PATH'}`,
    );
  }
}
