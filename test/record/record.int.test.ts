/**
 * `sluice record` against kinesis-local and DynamoDB Local: the file it writes, replayed,
 * gives the handler the same events as the live stream did.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { loadConfig } from '../../src/config/index.js';
import { startSluice } from '../../src/runtime/sluice.js';
import { createMemoryCheckpointStore } from '../../src/state/memory-checkpoint-store.js';
import { clientConfig, useEmulator, type Emulator } from '../harness/index.js';
import {
  allRecords,
  createStream,
  keyedRecords,
  kinesisClient,
  putRecords,
  recordingInvoker,
  startStreamSluice,
  uniqueName,
  writeStreamConfig,
} from '../pollers/streams/stream-kit.js';

async function record(emulator: Emulator, source: string): Promise<{ file: string; stderr: string; code: number }> {
  const cwd = await mkdtemp(join(tmpdir(), 'sluice-record-'));
  const file = join(cwd, 'recorded.jsonl');
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  stderr.on('data', (c: Buffer) => chunks.push(c));
  const code = await main(['record', '--source', source, '--out', file], {
    stdout: new PassThrough(),
    stderr,
    env: { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: emulator.region, PATH: process.env['PATH'] ?? '' },
    cwd,
  });
  return { file, stderr: Buffer.concat(chunks).toString('utf8'), code };
}

/** Live events of a one-mapping sluice, then the same mapping replayed from `file`. */
async function liveAndReplayed(emulator: Emulator, source: string, count: number, file: string): Promise<{ live: unknown[]; replayed: unknown[] }> {
  const liveInvoker = recordingInvoker();
  const { sluice } = await startStreamSluice(emulator, { source, batchSize: 25 }, liveInvoker);
  await liveInvoker.until(() => allRecords(liveInvoker).length >= count, 60_000, 'live records');
  await sluice.shutdown(5_000);

  const replayInvoker = recordingInvoker();
  const { file: configFile } = await writeStreamConfig(emulator, { source, batchSize: 25 });
  const config = await loadConfig(configFile, { env: {}, checkHandlers: false });
  const replay = await startSluice({
    config,
    logger: pino({ level: 'silent' }),
    mode: 'replay',
    replayFile: file,
    env: {},
    invokers: new Map([['fn', replayInvoker]]),
    checkpoints: createMemoryCheckpointStore(),
  });
  await replay.done;
  return { live: allRecords(liveInvoker), replayed: allRecords(replayInvoker) };
}

const byEventId = (records: readonly unknown[]): Map<string, unknown> => new Map(records.map((r) => [(r as { eventID: string }).eventID, r]));

describe('sluice record', () => {
  const kinesisEmu = useEmulator('kinesis-local');
  const ddbEmu = useEmulator('dynamodb-local');

  it('records a Kinesis stream; the replayed file gives the handler the same records as live', { timeout: 90_000 }, async () => {
    const kinesis = kinesisClient(kinesisEmu());
    const stream = uniqueName('rec');
    await createStream(kinesis, stream, 2);
    await putRecords(kinesis, stream, keyedRecords(300, 20));
    const recorded = await record(kinesisEmu(), `kinesis:${stream}`);
    expect(recorded.code, recorded.stderr).toBe(0);
    expect((await readFile(recorded.file, 'utf8')).trim().split('\n')).toHaveLength(300);

    const { live, replayed } = await liveAndReplayed(kinesisEmu(), `{ type: kinesis, stream: ${stream} }`, 300, recorded.file);
    expect(live).toHaveLength(300);
    expect(replayed).toHaveLength(300);
    expect(byEventId(replayed)).toEqual(byEventId(live));
    kinesis.destroy();
  });

  it('records a DynamoDB table stream; the replayed file gives the handler the same records as live', { timeout: 90_000 }, async () => {
    const ddb = new DynamoDBClient(clientConfig(ddbEmu()));
    const table = uniqueName('rec');
    await ddb.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    const streamArn = (await ddb.send(new DescribeTableCommand({ TableName: table }))).Table?.LatestStreamArn ?? '';
    for (let v = 0; v < 3; v += 1) {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `item-${i}` }, v: { N: String(v) }, blob: { B: Buffer.from([i, v]) } } })),
        ),
      );
    }
    const recorded = await record(ddbEmu(), `dynamodb:${table}`);
    expect(recorded.code, recorded.stderr).toBe(0);
    expect((await readFile(recorded.file, 'utf8')).trim().split('\n')).toHaveLength(60);

    // By stream ARN: a replay of a `table` source cannot know the live stream's label (it says `stream/replay`).
    const { live, replayed } = await liveAndReplayed(ddbEmu(), `{ type: dynamodb, streamArn: "${streamArn}" }`, 60, recorded.file);
    expect(live).toHaveLength(60);
    expect(replayed).toHaveLength(60);
    expect(byEventId(replayed)).toEqual(byEventId(live));
    ddb.destroy();
  });
});
