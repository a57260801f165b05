/**
 * `npm run bench -- kinesis`: draining one kinesis-local shard through sluice (no-op
 * in-process handler, batchSize 100) against a bare GetShardIterator / GetRecords loop
 * on the same stream in the same run; then put-to-handler latency at a steady rate.
 * BENCH_RECORDS sets the count (default 100,000), loaded into kinesis-local from a data file
 * (see test/harness/kinesis-data-file.ts: putting them would take hours). BENCH_ROUNDS (default 3) runs each
 * variant that many times, in rotated order; the ratios are of medians.
 */
import { rm } from 'node:fs/promises';
import { GetRecordsCommand, GetShardIteratorCommand, PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { kinesisDataFile, startEmulator } from '../harness/index.js';
import { kinesisClient } from '../pollers/streams/stream-kit.js';
import { inRounds } from './_rounds.js';
import { countingInvoker, drainRate, percentiles, report, sluiceDrain, steadyLatency, untilReading } from './_stream-bench.js';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 100_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const SHARD_ID = 'shardId-000000000000';
const LATENCY_RECORDS = 100;
const LATENCY_INTERVAL_MS = 100;

/** The bare loop: GetShardIterator, then GetRecords (10,000 at most) until every record is read. */
async function bareDrain(kinesis: KinesisClient, stream: string): Promise<number> {
  const started = performance.now();
  let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: SHARD_ID, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
  let read = 0;
  while (read < RECORDS && iterator) {
    const got = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    read += got.Records?.length ?? 0;
    iterator = got.NextShardIterator;
    if ((got.Records?.length ?? 0) === 0) break;
  }
  if (read !== RECORDS) throw new Error(`the bare loop read ${read} records, not ${RECORDS}: kinesis-local did not load the data file`);
  return RECORDS / ((performance.now() - started) / 1000);
}

export default async function bench(): Promise<void> {
  const stream = 'bench';
  const loading = performance.now();
  const records = Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i % 64}`, data: JSON.stringify({ key: `k${i % 64}`, n: Math.floor(i / 64) }) }));
  const data = kinesisDataFile({ [stream]: records });
  const emulator = await startEmulator('kinesis-local', { env: data.env });
  console.log(`kinesis-local started with ${RECORDS} records in one shard in ${((performance.now() - loading) / 1000).toFixed(1)} s`);
  const kinesis = kinesisClient(emulator);
  const source = `{ type: kinesis, stream: ${stream} }`;
  try {
    const medians = await inRounds(ROUNDS, {
      bare: () => bareDrain(kinesis, stream),
      file: () => drainRate(emulator, source, RECORDS, 'file'),
      memory: () => drainRate(emulator, source, RECORDS, 'memory'),
    });
    // Latency: a fresh mapping that reads from LATEST, so it waits for the records put now.
    const invoker = countingInvoker();
    const live = await sluiceDrain(emulator, source, 0, invoker, 'memory', 'LATEST');
    await untilReading(invoker, async () => {
      await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'warm', Data: Buffer.from('{}') }));
    });
    const latencies = await steadyLatency(
      invoker,
      LATENCY_RECORDS,
      LATENCY_INTERVAL_MS,
      async (sentAt) => {
        await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'lat', Data: Buffer.from(JSON.stringify({ sentAt })) }));
      },
      (record) => {
        const data = (record as { kinesis: { partitionKey: string; data: string } }).kinesis;
        if (data.partitionKey !== 'lat') return undefined;
        return (JSON.parse(Buffer.from(data.data, 'base64').toString('utf8')) as { sentAt: number }).sentAt;
      },
    );
    await live.shutdown();
    report('kinesis (kinesis-local)', RECORDS, ROUNDS, medians, percentiles(latencies), latencies.length);
  } finally {
    kinesis.destroy();
    await emulator.stop();
    await rm(data.dir, { recursive: true, force: true });
  }
}
