/**
 * A kinesis-local data file holding one stream of one shard with `records` records, for
 * `bench kinesis`: kinesis-mock spends ~3 ms of CPU per record in PutRecords, more as the
 * shard grows (10,000 records took 30 s here, the next 10,000 80 s), so 100,000 records
 * cannot be put in a benchmark's time. kinesis-local loads this file at start-up
 * (`LOAD_DATA_IF_EXISTS`) and then serves the records over the API as if they had been put.
 *
 * The layout is kinesis-mock 0.6.2's persisted state (`kinesis-data.json`, as it writes it
 * with `SHOULD_PERSIST_DATA`); sequence numbers follow its encoding, where a shard's n-th record
 * is its starting sequence number plus n * 2^80. The benchmark checks that the bare loop reads
 * back exactly `records` records, so a change of format fails loudly instead of measuring nothing.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_ACCOUNT_ID, EMULATOR_REGION } from '../harness/kinds.js';

/** A shard's StartingSequenceNumber as kinesis-mock 0.6.2 builds one for shard 0. */
const STARTING_SEQUENCE_NUMBER = 49680773891052260900418930904892586184734860036745986050n;
const SEQUENCE_STEP = 2n ** 80n;
const MAX_HASH_KEY = '340282366920938463463374607431768211455';

export interface KinesisFixture {
  /** The directory to give kinesis-local as `PERSIST_PATH`. */
  readonly dir: string;
  /** The environment that makes kinesis-local load it. */
  readonly env: Readonly<Record<string, string>>;
}

/** Writes the data file: `records` records over `keys` partition keys (`{"key":"k3","n":12}` each). */
export async function writeKinesisFixture(stream: string, records: number, keys: number): Promise<KinesisFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-kinesis-'));
  // Arrivals 1 ms apart, as if put at Kinesis's 1,000 records/s per shard, ending a minute ago.
  const created = new Date(Date.now() - 60_000 - records);
  const firstArrival = created.getTime();
  const shard = {
    AdjacentParentShardId: null,
    ClosedTimestamp: null,
    CreatedAtTimestamp: created.toISOString(),
    HashKeyRange: { EndingHashKey: MAX_HASH_KEY, StartingHashKey: '0' },
    ParentShardId: null,
    SequenceNumberRange: { EndingSequenceNumber: null, StartingSequenceNumber: STARTING_SEQUENCE_NUMBER.toString() },
    ShardId: 'shardId-000000000000',
    ShardIndex: 0,
  };
  const perKey = new Array<number>(keys).fill(0);
  const data = Array.from({ length: records }, (_, i) => {
    const k = i % keys;
    const n = perKey[k] ?? 0;
    perKey[k] = n + 1;
    return {
      ApproximateArrivalTimestamp: (firstArrival + i) / 1000,
      Data: Buffer.from(JSON.stringify({ key: `k${k}`, n })).toString('base64'),
      EncryptionType: 'NONE',
      PartitionKey: `k${k}`,
      SequenceNumber: (STARTING_SEQUENCE_NUMBER + BigInt(i + 1) * SEQUENCE_STEP).toString(),
    };
  });
  const arn = `arn:aws:kinesis:${EMULATOR_REGION}:${EMULATOR_ACCOUNT_ID}:stream/${stream}`;
  const state = {
    streams: {
      [arn]: {
        consumers: {},
        encryptionType: 'NONE',
        enhancedMonitoring: [{ ShardLevelMetrics: [] }],
        keyId: null,
        retentionPeriod: { length: 24, unit: 'HOURS' },
        shards: { [JSON.stringify(shard)]: data },
        streamArn: arn,
        streamCreationTimestamp: created.toISOString(),
        streamModeDetails: { StreamMode: 'PROVISIONED' },
        streamName: stream,
        streamStatus: 'ACTIVE',
        tags: {},
        shardCountUpdates: [],
        maxRecordSizeInKiB: null,
        warmThroughputMiBps: null,
      },
    },
    resourcePolicies: {},
    accountSettings: { minimumThroughputBillingCommitment: null },
  };
  await writeFile(join(dir, 'kinesis-data.json'), JSON.stringify(state));
  return { dir, env: { LOAD_DATA_IF_EXISTS: 'true', SHOULD_PERSIST_DATA: 'false', PERSIST_PATH: dir } };
}
