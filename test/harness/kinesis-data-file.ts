/**
 * A kinesis-local data file: streams of one shard each, holding the records given, for tests
 * and benchmarks that need a large stream. kinesis-mock spends ~3 ms of CPU per record in
 * PutRecords, more as the shard grows (10,000 records took 30 s here, the next 10,000 80 s), so
 * tens of thousands of records cannot be put in a test's time. kinesis-local loads this file at
 * start-up (`LOAD_DATA_IF_EXISTS`) and then serves the records over the API as if they had been put.
 *
 * The layout is kinesis-mock 0.6.2's persisted state (`kinesis-data.json`, as it writes it with
 * `SHOULD_PERSIST_DATA`); sequence numbers follow its encoding, where a shard's n-th record is
 * its starting sequence number plus n * 2^80. Users of this file check that they read back every
 * record, so a change of format fails loudly instead of testing nothing. Against LocalStack
 * (`SLUICE_TEST_ENDPOINT`) nothing is loaded: put the records there instead.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_ACCOUNT_ID, EMULATOR_REGION } from './kinds.js';

/** A shard's StartingSequenceNumber as kinesis-mock 0.6.2 builds one for shard 0. */
const STARTING_SEQUENCE_NUMBER = 49680773891052260900418930904892586184734860036745986050n;
const SEQUENCE_STEP = 2n ** 80n;
const MAX_HASH_KEY = '340282366920938463463374607431768211455';

/** A record to load: its partition key and its data (UTF-8). */
export interface DataFileRecord {
  readonly key: string;
  readonly data: string;
}

export interface KinesisDataFile {
  /** The directory given to kinesis-local as `PERSIST_PATH`. */
  readonly dir: string;
  /** The environment that makes kinesis-local load it (`startEmulator`'s / `useEmulator`'s `env`). */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Writes the data file: each stream with one shard holding its records in order, arrivals
 * 1 ms apart (as if put at Kinesis's 1,000 records/s per shard), the last a minute ago.
 */
export function kinesisDataFile(streams: Readonly<Record<string, readonly DataFileRecord[]>>): KinesisDataFile {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-kinesis-data-'));
  const state = {
    streams: Object.fromEntries(Object.entries(streams).map(([name, records]) => streamState(name, records))),
    resourcePolicies: {},
    accountSettings: { minimumThroughputBillingCommitment: null },
  };
  writeFileSync(join(dir, 'kinesis-data.json'), JSON.stringify(state));
  return { dir, env: { LOAD_DATA_IF_EXISTS: 'true', SHOULD_PERSIST_DATA: 'false', PERSIST_PATH: dir } };
}

function streamState(name: string, records: readonly DataFileRecord[]): [string, unknown] {
  const created = new Date(Date.now() - 60_000 - records.length);
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
  const data = records.map((record, i) => ({
    ApproximateArrivalTimestamp: (firstArrival + i) / 1000,
    Data: Buffer.from(record.data, 'utf8').toString('base64'),
    EncryptionType: 'NONE',
    PartitionKey: record.key,
    SequenceNumber: (STARTING_SEQUENCE_NUMBER + BigInt(i + 1) * SEQUENCE_STEP).toString(),
  }));
  const arn = `arn:aws:kinesis:${EMULATOR_REGION}:${EMULATOR_ACCOUNT_ID}:stream/${name}`;
  return [
    arn,
    {
      consumers: {},
      encryptionType: 'NONE',
      enhancedMonitoring: [{ ShardLevelMetrics: [] }],
      keyId: null,
      retentionPeriod: { length: 24, unit: 'HOURS' },
      shards: { [JSON.stringify(shard)]: data },
      streamArn: arn,
      streamCreationTimestamp: created.toISOString(),
      streamModeDetails: { StreamMode: 'PROVISIONED' },
      streamName: name,
      streamStatus: 'ACTIVE',
      tags: {},
      shardCountUpdates: [],
      maxRecordSizeInKiB: null,
      warmThroughputMiBps: null,
    },
  ];
}
