import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** A `sluice run` process, its listener's URL once it logged `http listening`, and its output. */
export interface SluiceProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Rejects (with the output) if the process exits before listening. */
  readonly url: Promise<string>;
  /** stdout and stderr so far. */
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Spawns `node ARGS...` (a sluice launcher and its arguments, with `--log-format json`). */
export function spawnSluice(args: readonly string[], options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv }): SluiceProcess {
  const child = spawn(process.execPath, [...args], { cwd: options.cwd, ...(options.env ? { env: options.env } : {}) });
  let output = '';
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const url = new Promise<string>((ready, fail) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /"msg":"http listening"/.test(output) ? /"url":"(http:[^"]+)"/.exec(output) : null;
      if (match?.[1]) ready(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => fail(new Error(`sluice exited (${String(code)}) before listening:\n${output}`)));
  });
  url.catch(() => undefined); // a test that never asks for the URL has nothing to fail on
  return { child, url, output: () => output, exited };
}

/** The value of the first `/metrics` sample whose line starts with `series`; undefined when there is none. */
export async function metricSample(url: string, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(series));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The non-empty lines of a file a handler appends to; none before it exists. */
export function linesOf(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}
