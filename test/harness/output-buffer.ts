/** The last lines a process printed, kept within a bound. */
export interface OutputBuffer {
  append(chunk: Buffer | string): void;
  /** Everything kept, as printed. */
  text(): string;
  /** The last `lines` lines. */
  tail(lines: number): string;
}

/** Keeps the last `maxLines` lines of output (a partial last line included). */
export function createOutputBuffer(maxLines = 500): OutputBuffer {
  const lines: string[] = [];
  let partial = '';
  return {
    append(chunk) {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length > maxLines) lines.splice(0, lines.length - maxLines);
    },
    text() {
      return partial === '' ? lines.join('\n') : [...lines, partial].join('\n');
    },
    tail(count) {
      const all = partial === '' ? lines : [...lines, partial];
      return all.slice(-count).join('\n');
    },
  };
}
