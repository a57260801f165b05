import { describe, expect, it } from 'vitest';
import type { ShardReader } from '../../pollers/streams/shard-reader.js';
import type { PipelineRecord } from '../../src/records.js';
import { compareSequenceNumbers, createReplayShardReader } from '../../src/replay/replay-shard-reader.js';
import { BASE_TIME, STREAM_ARN, streamRecord, streamRecords } from '../support/records.js';

const signal = new AbortController().signal;

async function readAll(reader: ShardReader, shardId: string, iterator: string): Promise<{ records: PipelineRecord[]; reads: number }> {
  const records: PipelineRecord[] = [];
  let next: string | undefined = iterator;
  let reads = 0;
  while (next !== undefined) {
    const result = await reader.getRecords(shardId, next, 10_000, signal);
    reads += 1;
    records.push(...result.records);
    next = result.nextIterator;
  }
  return { records, reads };
}

describe('createReplayShardReader', () => {
  const a = streamRecords(5, { shardId: 'A' });
  const b = streamRecords(3, { from: 10, shardId: 'B' });
  const reader = createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records: [a[0]!, b[0]!, ...a.slice(1), ...b.slice(1)], maxRecordsPerRead: 2 });

  it('makes a finite shard per ShardId, read in file order, ending at SHARD_END', async () => {
    expect(reader.finite).toBe(true);
    expect(await reader.listShards(signal)).toEqual([
      { shardId: 'A', parentShardIds: [] },
      { shardId: 'B', parentShardIds: [] },
    ]);
    const { records, reads } = await readAll(reader, 'A', await reader.getIterator('A', { kind: 'TRIM_HORIZON' }, signal));
    expect(records).toEqual(a);
    expect(reads).toBe(3);
  });

  it('AFTER_SEQUENCE_NUMBER starts just after the record; if the record is gone, after every lower sequence number', async () => {
    const after = await readAll(reader, 'A', await reader.getIterator('A', { kind: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: a[2]!.sequenceNumber! }, signal));
    expect(after.records).toEqual(a.slice(3));
    const sparse = createReplayShardReader({ source: 'kinesis', streamArn: STREAM_ARN, records: [streamRecord({ index: 0 }), streamRecord({ index: 10 }), streamRecord({ index: 20 })] });
    const missing = streamRecord({ index: 15 }).sequenceNumber!;
    const rest = await readAll(sparse, 'shardId-000000000000', await sparse.getIterator('shardId-000000000000', { kind: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: missing }, signal));
    expect(rest.records.map((r) => r.sequenceNumber)).toEqual([streamRecord({ index: 20 }).sequenceNumber]);
    const beyond = streamRecord({ index: 99 }).sequenceNumber!;
    const none = await readAll(sparse, 'shardId-000000000000', await sparse.getIterator('shardId-000000000000', { kind: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: beyond }, signal));
    expect(none.records).toEqual([]);
  });

  it('AT_TIMESTAMP starts at the first record that arrived at or after the time', async () => {
    const { records } = await readAll(reader, 'A', await reader.getIterator('A', { kind: 'AT_TIMESTAMP', timestamp: new Date(BASE_TIME + 3) }, signal));
    expect(records).toEqual(a.slice(3));
  });

  it('an unknown shard is a ResourceNotFound error', async () => {
    await expect(reader.getIterator('Z', { kind: 'TRIM_HORIZON' }, signal)).rejects.toMatchObject({ code: 'ResourceNotFound' });
  });

  it('compares sequence numbers numerically, whatever their length', () => {
    expect(compareSequenceNumbers('9', '10')).toBeLessThan(0);
    expect(compareSequenceNumbers('49600000000000000000000000001', '49600000000000000000000000001')).toBe(0);
    expect(compareSequenceNumbers('100000000000000000200', '99999999999999999999')).toBeGreaterThan(0);
  });
});
