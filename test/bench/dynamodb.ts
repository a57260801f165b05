/**
 * `npm run bench -- dynamodb`: draining a DynamoDB Local table stream through sluice
 * (no-op in-process handler, batchSize 100) against a bare DescribeStream /
 * GetShardIterator / GetRecords loop on the same stream in the same run; then
 * put-to-handler latency at a steady rate. BENCH_RECORDS sets the count (default 100,000,
 * written in ~20 s with BatchWriteItem); BENCH_ROUNDS (default 3) runs each variant that
 * many times, in rotated order; the ratios are of medians.
 */
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { clientConfig, startEmulator } from '../harness/index.js';
import { inRounds } from './_rounds.js';
import { countingInvoker, drainRate, percentiles, report, sluiceDrain, steadyLatency, untilReading } from './_stream-bench.js';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 100_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const LATENCY_RECORDS = 100;
const LATENCY_INTERVAL_MS = 100;

export default async function bench(): Promise<void> {
  const emulator = await startEmulator('dynamodb-local');
  const ddb = new DynamoDBClient(clientConfig(emulator));
  const streams = new DynamoDBStreamsClient(clientConfig(emulator));
  try {
    const table = 'bench';
    const created = await ddb.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    const streamArn = created.TableDescription?.LatestStreamArn ?? '';
    const filling = performance.now();
    const chunks = Array.from({ length: Math.ceil(RECORDS / 25) }, (_, c) => c);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < chunks.length) {
          const c = next;
          next += 1;
          const items = Array.from({ length: Math.min(25, RECORDS - c * 25) }, (_, i) => ({
            PutRequest: { Item: { pk: { S: `item-${c * 25 + i}` }, n: { N: String(c * 25 + i) } } },
          }));
          await ddb.send(new BatchWriteItemCommand({ RequestItems: { [table]: items } }));
        }
      }),
    );
    console.log(`filled ${RECORDS} items in ${((performance.now() - filling) / 1000).toFixed(1)} s`);

    const bareDrain = async (): Promise<number> => {
      const bareStart = performance.now();
      const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
      let read = 0;
      for (const shard of shards) {
        let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
        while (read < RECORDS && iterator) {
          const got = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }));
          read += got.Records?.length ?? 0;
          iterator = got.NextShardIterator;
          if ((got.Records?.length ?? 0) === 0) break;
        }
      }
      if (read !== RECORDS) throw new Error(`the bare loop read ${read} of ${RECORDS} records`);
      return read / ((performance.now() - bareStart) / 1000);
    };
    const source = `{ type: dynamodb, table: ${table} }`;
    const medians = await inRounds(ROUNDS, {
      bare: bareDrain,
      file: () => drainRate(emulator, source, RECORDS, 'file'),
      memory: () => drainRate(emulator, source, RECORDS, 'memory'),
    });
    const invoker = countingInvoker();
    const live = await sluiceDrain(emulator, source, 0, invoker, 'memory', 'LATEST');
    await untilReading(invoker, async () => {
      await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `warm-${Math.random()}` } } }));
    });
    const latencies = await steadyLatency(
      invoker,
      LATENCY_RECORDS,
      LATENCY_INTERVAL_MS,
      async (sentAt) => {
        await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `lat-${sentAt}-${Math.random()}` }, sentAt: { N: String(sentAt) } } }));
      },
      (record) => {
        const sentAt = (record as { dynamodb: { NewImage?: { sentAt?: { N: string } } } }).dynamodb.NewImage?.sentAt?.N;
        return sentAt === undefined ? undefined : Number(sentAt);
      },
    );
    await live.shutdown();
    report('dynamodb (DynamoDB Local)', RECORDS, ROUNDS, medians, percentiles(latencies), latencies.length);
  } finally {
    ddb.destroy();
    streams.destroy();
    await emulator.stop();
  }
}
