/**
 * `npm run bench -- replay`: 100,000 Kinesis records replayed through a no-op local
 * handler (batchSize 100), against a baseline measured in the same run: the same
 * events built with the same normalizer and JSON-serialized in one loop, without sluice.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kinesisRecord } from '../../src/events/kinesis.js';
import { toKinesisRecord } from '../../src/replay/sdk-shapes.js';
import { replay } from '../../src/testing.js';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 100_000);
const BATCH = 100;

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-replay-'));
  const lines: string[] = [];
  const t0 = Date.UTC(2026, 0, 1) / 1000;
  for (let i = 0; i < RECORDS; i += 1) {
    lines.push(
      JSON.stringify({
        SequenceNumber: String(49_600_000_000_000_000_000_000n + BigInt(i)),
        ApproximateArrivalTimestamp: t0 + i / 1000,
        Data: Buffer.from(JSON.stringify({ n: i, page: `/p/${i % 50}` })).toString('base64'),
        PartitionKey: `k${i % 64}`,
      }),
    );
  }
  const file = join(dir, 'records.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'noop.mjs'), 'export const handler = async () => {};\n');
  writeFileSync(
    join(dir, 'sluice.yaml'),
    [
      'functions:',
      '  noop: { handler: ./noop.handler }',
      'mappings:',
      '  - name: bench',
      '    function: noop',
      `    source: { type: kinesis, stream: bench, replay: ${file} }`,
      `    batchSize: ${BATCH}`,
    ].join('\n'),
  );

  // Baseline: read + parse the file, normalize every record, serialize batches of 100.
  const baseStart = performance.now();
  let bytes = 0;
  {
    const { readFileSync } = await import('node:fs');
    const parsed = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => toKinesisRecord(JSON.parse(l)));
    const ctx = { shardId: 'shardId-000000000000', streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/bench', region: 'us-east-1', invokeIdentityArn: 'arn:aws:iam::000000000000:role/sluice' };
    for (let i = 0; i < parsed.length; i += BATCH) {
      const batch = parsed.slice(i, i + BATCH).map((p) => kinesisRecord(p.record, ctx));
      bytes += JSON.stringify({ Records: batch }).length;
    }
  }
  const baseMs = performance.now() - baseStart;

  const start = performance.now();
  const result = await replay({ config: join(dir, 'sluice.yaml') });
  const sluiceMs = performance.now() - start;
  if (!result.ok) throw new Error('replay did not process every record');
  const processed = result.mappings[0]?.processed ?? 0;

  const baseRate = RECORDS / (baseMs / 1000);
  const sluiceRate = processed / (sluiceMs / 1000);
  console.log(`records:             ${RECORDS} (batchSize ${BATCH}, ${(bytes / 1e6).toFixed(1)} MB of events)`);
  console.log(`baseline (no sluice): ${baseRate.toFixed(0)} records/s (${baseMs.toFixed(0)} ms)`);
  console.log(`sluice replay:        ${sluiceRate.toFixed(0)} records/s (${sluiceMs.toFixed(0)} ms, ${result.invocations.length} invocations, incl. worker start)`);
  console.log(`ratio sluice/baseline: ${(sluiceRate / baseRate).toFixed(2)}`);
}
