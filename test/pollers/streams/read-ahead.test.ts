import { GetRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../../harness/index.js';
import { createKinesisReader } from '../../../pollers/streams/kinesis-reader.js';
import { createReadAhead, isBehind } from '../../../pollers/streams/read-ahead.js';
import { createStream, keyedRecords, kinesisClient, putRecords, uniqueName } from './stream-kit.js';

describe('createReadAhead', () => {
  it('hands the read under way to the shard that asks for that iterator, once', async () => {
    const ahead = createReadAhead<string>();
    ahead.start('shard-1', 'it-2', async () => 'records after it-2');
    expect(ahead.take('shard-0', 'it-2')).toBeUndefined();
    await expect(ahead.take('shard-1', 'it-2')).resolves.toBe('records after it-2');
    expect(ahead.take('shard-1', 'it-2')).toBeUndefined();
  });

  it('drops a read ahead the shard did not ask for (it read from elsewhere)', () => {
    const ahead = createReadAhead<string>();
    ahead.start('shard-1', 'it-2', async () => 'stale');
    expect(ahead.take('shard-1', 'it-9')).toBeUndefined();
    expect(ahead.take('shard-1', 'it-2')).toBeUndefined();
  });

  it('keeps a failed read ahead for the consumer that asks, and never leaves an unhandled rejection', async () => {
    const ahead = createReadAhead<string>();
    ahead.start('shard-1', 'it-2', async () => {
      throw new Error('ProvisionedThroughputExceeded');
    });
    ahead.start('shard-2', 'it-5', async () => {
      throw new Error('nobody takes this one');
    });
    await expect(ahead.take('shard-1', 'it-2')).rejects.toThrow('ProvisionedThroughputExceeded');
    // shard-2's rejection is never taken: vitest fails the run on an unhandled rejection.
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
});

describe('isBehind', () => {
  it.each([
    { records: 0, limit: 100, millisBehindLatest: 5_000, behind: false, why: 'an empty read is caught up whatever the age says' },
    { records: 40, limit: 100, millisBehindLatest: 0, behind: false, why: 'a partial read at the tip' },
    { records: 40, limit: 100, millisBehindLatest: 1_500, behind: true, why: 'MillisBehindLatest above 0' },
    { records: 40, limit: 100, millisBehindLatest: undefined, behind: true, why: 'no age reported (DynamoDB Streams, replays)' },
    { records: 100, limit: 100, millisBehindLatest: 0, behind: true, why: 'a full read (kinesis-mock reports 0 always)' },
  ])('$why: $behind', ({ records, limit, millisBehindLatest, behind }) => {
    expect(isBehind({ records, limit, millisBehindLatest })).toBe(behind);
  });
});

describe('the Kinesis reader reads ahead on kinesis-local', () => {
  const emulator = useEmulator('kinesis-local');
  let kinesis: KinesisClient;
  beforeAll(() => {
    kinesis = kinesisClient(emulator());
  });
  afterAll(() => kinesis.destroy());

  it('sends the next GetRecords as soon as a full read returns, and serves it to the next call in order', async () => {
    const stream = uniqueName('ahead');
    await createStream(kinesis, stream, 1);
    await putRecords(kinesis, stream, keyedRecords(25, 1), 1);
    const sent: string[] = [];
    const counting: Pick<KinesisClient, 'send'> = {
      send: ((command: unknown, options: unknown) => {
        if (command instanceof GetRecordsCommand) sent.push(command.input.ShardIterator ?? '');
        return (kinesis.send as (c: unknown, o: unknown) => Promise<unknown>)(command, options);
      }) as KinesisClient['send'],
    };
    const reader = createKinesisReader({
      client: counting,
      streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`,
      region: 'us-east-1',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/sluice',
      pollIntervalMs: 200,
    });
    const signal = new AbortController().signal;
    const [shard] = await reader.listShards(signal);
    const first = await reader.getRecords(shard?.shardId ?? '', await reader.getIterator(shard?.shardId ?? '', { kind: 'TRIM_HORIZON' }, signal), 10, signal);
    expect(first.records).toHaveLength(10);
    expect(sent, 'the read ahead went out before the records were handed over').toHaveLength(2);
    expect(sent[1]).toBe(first.nextIterator);

    const second = await reader.getRecords(shard?.shardId ?? '', first.nextIterator ?? '', 10, signal);
    expect(sent, 'the second call took the read ahead, and read ahead again').toHaveLength(3);
    const third = await reader.getRecords(shard?.shardId ?? '', second.nextIterator ?? '', 10, signal);
    expect(third.records, 'a partial read').toHaveLength(5);
    const data = [...first.records, ...second.records, ...third.records].map((r) =>
      Buffer.from((r.event as { kinesis: { data: string } }).kinesis.data, 'base64').toString('utf8'),
    );
    expect(data).toEqual(Array.from({ length: 25 }, (_, i) => `k0:${i}`));
    // The partial read at the tip read nothing ahead: a caught-up shard is polled at the poll interval.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent).toHaveLength(3);
  });
});
