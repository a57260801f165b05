import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/types.js';
import type { Invoker } from '../../src/invokers/invoker.js';

/** A directory with a Kinesis replay file of `count` records (sequence numbers 1000, 1001, ...). */
export async function replayDir(count: number): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-ops-'));
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ SequenceNumber: String(1000 + i), ApproximateArrivalTimestamp: 1768467600, Data: 'e30=', PartitionKey: 'k' }),
  );
  const file = join(dir, 'clicks.jsonl');
  await writeFile(file, `${lines.join('\n')}\n`);
  return { dir, file };
}

export function opsConfig(dir: string, mappings: Config['mappings'], http: Config['http'] = { host: '127.0.0.1', port: 0 }): Config {
  return {
    file: join(dir, 'sluice.yaml'),
    baseDir: dir,
    region: 'us-east-1',
    account: '000000000000',
    stateDir: join(dir, 'state'),
    http,
    functions: {},
    mappings,
  };
}

/** An invoker that holds every invocation until the test grants a permit, and records what it saw. */
export interface GatedInvoker extends Invoker {
  /** Sequence numbers of every record invoked, in order. */
  readonly seen: string[];
  readonly calls: number;
  /** Lets `n` more invocations finish. */
  allow(n: number): void;
  /** Lets every invocation through from now on. */
  open(): void;
}

export function createGatedInvoker(): GatedInvoker {
  const seen: string[] = [];
  let calls = 0;
  let permits = 0;
  let opened = false;
  const waiting: (() => void)[] = [];
  const pump = (): void => {
    while (waiting.length > 0 && (opened || permits > 0)) {
      if (!opened) permits -= 1;
      waiting.shift()?.();
    }
  };
  return {
    seen,
    get calls() {
      return calls;
    },
    allow(n) {
      permits += n;
      pump();
    },
    open() {
      opened = true;
      pump();
    },
    async invoke(event) {
      calls += 1;
      const records = (event as { Records: { kinesis: { sequenceNumber: string } }[] }).Records;
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        pump();
      });
      seen.push(...records.map((r) => r.kinesis.sequenceNumber));
      return { status: 'success', requestId: `r${calls}`, durationMs: 1, payload: null };
    },
    close: async () => undefined,
  };
}
