import { readFile } from 'node:fs/promises';

/** One line of a replay file that parsed. */
export interface ReplayLine<T> {
  readonly line: number;
  readonly value: T;
}

/** A line that could not be used, reported with its number; the other lines go on. */
export interface ReplayProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface ReplayFile<T> {
  readonly file: string;
  readonly lines: readonly ReplayLine<T>[];
  readonly problems: readonly ReplayProblem[];
}

/**
 * Reads a JSON Lines replay file: one record per line, blank lines and lines starting
 * with `#` ignored. Each parsed line is handed to `convert`, which throws (any Error)
 * when the record is malformed; such lines become problems, not a stopped replay.
 */
export async function readReplayFile<T>(file: string, convert: (value: unknown) => T): Promise<ReplayFile<T>> {
  const text = await readFile(file, 'utf8');
  const lines: ReplayLine<T>[] = [];
  const problems: ReplayProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const line = index + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      problems.push({ file, line, message: `not valid JSON: ${(err as Error).message}` });
      return;
    }
    try {
      lines.push({ line, value: convert(parsed) });
    } catch (err) {
      problems.push({ file, line, message: (err as Error).message });
    }
  });
  return { file, lines, problems };
}
