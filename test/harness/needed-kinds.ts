import { readFile } from 'node:fs/promises';
import { EMULATOR_KINDS, type EmulatorKind } from './kinds.js';

/**
 * The emulator kinds a test file's source asks for: each kind named as a string literal (`'moto'`,
 * `"dynamodb-local"`, ...) and both SQS emulators wherever `sqsEmulators(` appears. Over-matching only
 * installs something early; a kind this misses is still installed on first start (under the same lock).
 */
export function kindsUsedBy(source: string): EmulatorKind[] {
  const kinds = new Set<EmulatorKind>();
  if (/\bsqsEmulators\s*\(/.test(source)) {
    kinds.add('elasticmq');
    kinds.add('moto');
  }
  for (const kind of EMULATOR_KINDS) {
    if (new RegExp(`['"\`]${kind}['"\`]`).test(source)) kinds.add(kind);
  }
  return EMULATOR_KINDS.filter((kind) => kinds.has(kind));
}

/** The union of {@link kindsUsedBy} over `files`. */
export async function kindsUsedByFiles(files: readonly string[]): Promise<EmulatorKind[]> {
  const sources = await Promise.all(files.map((file) => readFile(file, 'utf8').catch(() => '')));
  const used = new Set(sources.flatMap(kindsUsedBy));
  return EMULATOR_KINDS.filter((kind) => used.has(kind));
}
