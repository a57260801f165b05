/**
 * `npm run bench -- kinesis`: draining one kinesis-local shard through sluice (no-op
 * in-process handler, batchSize 100) against a bare GetShardIterator / GetRecords loop
 * on the same stream in the same run; then put-to-handler latency at a steady rate.
 * BENCH_RECORDS sets the count (default 10,000: kinesis-local puts only ~100-500 records/s).
 */
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { startEmulator } from '../harness/index.js';
import { createStream, keyedRecords, kinesisClient, putRecords } from '../pollers/streams/stream-kit.js';
import { countingInvoker, percentiles, report, sluiceDrain, steadyLatency } from './_stream-bench.js';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 10_000);
const LATENCY_RECORDS = 100;
const LATENCY_INTERVAL_MS = 100;

export default async function bench(): Promise<void> {
  const emulator = await startEmulator('kinesis-local');
  const kinesis = kinesisClient(emulator);
  try {
    const stream = 'bench';
    await createStream(kinesis, stream, 1);
    const filling = performance.now();
    await putRecords(kinesis, stream, keyedRecords(RECORDS, 64));
    console.log(`filled ${RECORDS} records in ${((performance.now() - filling) / 1000).toFixed(1)} s`);

    const shardId = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards?.[0]?.ShardId ?? '';
    const bareStart = performance.now();
    let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    let read = 0;
    while (read < RECORDS && iterator) {
      const got = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      read += got.Records?.length ?? 0;
      iterator = got.NextShardIterator;
    }
    const bare = RECORDS / ((performance.now() - bareStart) / 1000);

    const memoryInvoker = countingInvoker();
    const inMemory = await sluiceDrain(emulator, `{ type: kinesis, stream: ${stream} }`, RECORDS, memoryInvoker, 'memory');
    await inMemory.shutdown();
    const invoker = countingInvoker();
    const drained = await sluiceDrain(emulator, `{ type: kinesis, stream: ${stream} }`, RECORDS, invoker);
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
    await drained.shutdown();
    report('kinesis (kinesis-local)', RECORDS, bare, { file: drained.perSecond, memory: inMemory.perSecond, fileSteady: drained.steadyPerSecond }, percentiles(latencies), latencies.length);
  } finally {
    kinesis.destroy();
    await emulator.stop();
  }
}
