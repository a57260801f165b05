import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import type { Invoker } from '../../src/invokers/invoker.js';
import { silentLogger } from '../../src/log.js';
import { formatSummary, summarize } from '../../src/replay/replay-summary.js';
import { startSluice } from '../../src/runtime/sluice.js';
import { countInvocation, createMappingStats } from '../../src/runtime/mapping-stats.js';
import { flush } from '../support/fake-clock.js';
import { makeMapping } from '../support/mapping.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-runtime-'));
  const lines = Array.from({ length: 20 }, (_, i) =>
    JSON.stringify({ SequenceNumber: String(1000 + i), ApproximateArrivalTimestamp: 1768467600, Data: 'e30=', PartitionKey: 'k' }),
  );
  await writeFile(join(dir, 'ok.jsonl'), `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function config(mappings: Config['mappings']): Config {
  return {
    file: join(dir, 'sluice.yaml'),
    baseDir: dir,
    region: 'us-east-1',
    account: '000000000000',
    stateDir: join(dir, 'state'),
    http: { host: '127.0.0.1', port: 0 },
    functions: {},
    mappings,
  };
}

describe('startSluice', () => {
  it('done waits for every mapping to stop even when one fails early, then rejects with that failure', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let invoked = 0;
    const slow: Invoker = {
      async invoke() {
        invoked += 1;
        await held;
        return { status: 'success', requestId: 'r', durationMs: 1, payload: null };
      },
      close: async () => undefined,
    };
    const sluice = await startSluice({
      config: config([
        makeMapping({ name: 'broken', function: 'fn', source: { type: 'kinesis', stream: 'a', replay: join(dir, 'missing.jsonl') } }),
        makeMapping({ name: 'working', function: 'fn', batchSize: 100, source: { type: 'kinesis', stream: 'b', replay: join(dir, 'ok.jsonl') } }),
      ]),
      logger: silentLogger,
      mode: 'replay',
      invokers: new Map([['fn', slow]]),
    });
    let settled = false;
    sluice.done.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (invoked === 0) await flush(1);
    await flush(20);
    expect(settled).toBe(false);
    release();
    await expect(sluice.done).rejects.toThrow(/missing\.jsonl/);
    const summary = await summarize(sluice.mappings);
    expect(summary.mappings.map((m) => [m.mapping, m.ok, m.processed])).toEqual([
      ['broken', false, 0],
      ['working', true, 20],
    ]);
    expect(summary.ok).toBe(false);
  });

  it('a mapping name that does not exist is refused', async () => {
    await expect(startSluice({ config: config([makeMapping({ name: 'a' })]), logger: silentLogger, mode: 'replay', only: ['b'] })).rejects.toMatchObject({
      code: 'UnknownMapping',
    });
  });

  it('replay mode needs a mapping with a replay file', async () => {
    await expect(startSluice({ config: config([makeMapping({ name: 'a' })]), logger: silentLogger, mode: 'replay' })).rejects.toMatchObject({ code: 'ReplayTarget' });
  });
});

describe('mapping stats and the replay summary', () => {
  it('counts invocations in Lambda’s LastProcessingResult words; invoker errors are not function errors', () => {
    const stats = createMappingStats();
    const base = { mapping: 'm', event: {}, records: [], durationMs: 1 };
    countInvocation(stats, { ...base, outcome: { kind: 'success', response: null, requestId: 'a' } });
    expect(stats.lastProcessingResult).toBe('OK');
    countInvocation(stats, { ...base, outcome: { kind: 'failure', reason: 'FunctionError', message: 'Error: x', requestId: 'b' } });
    countInvocation(stats, { ...base, outcome: { kind: 'failure', reason: 'InvokerError', message: 'down', requestId: 'c' } });
    expect(stats).toMatchObject({ invocations: 3, functionErrors: 1, lastProcessingResult: 'PROBLEM: Function call failed', lastError: 'down' });
  });

  it('formats one line per mapping, malformed lines and errors included', () => {
    const text = formatSummary({
      ok: false,
      mappings: [
        { ...createMappingStats(), mapping: 'a', records: 3, invocations: 1, processed: 3, ok: true },
        {
          ...createMappingStats(),
          mapping: 'b',
          records: 2,
          invocations: 2,
          abandoned: 2,
          malformed: [{ file: '/x.jsonl', line: 4, message: 'not valid JSON' }],
          ok: false,
          error: 'boom',
        },
      ],
    });
    expect(text.split('\n')).toEqual([
      'ok   a: 3 records, 1 invocations, 3 processed',
      'FAIL b: 2 records, 2 invocations, 0 processed, 2 abandoned (kept failing), 1 malformed lines',
      '       error: boom',
      '       /x.jsonl:4: not valid JSON',
      'replay finished with records not handled',
    ]);
  });
});
