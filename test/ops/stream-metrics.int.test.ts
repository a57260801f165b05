/**
 * The stream gauges on `/metrics` of a sluice reading a real Kinesis stream (kinesis-local):
 * iterator age (`MillisBehindLatest`) and offset lag, per shard.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
import { ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../harness/index.js';
import { createStream, eventually, keyedRecords, kinesisClient, putRecords, recordingInvoker, startStreamSluice, uniqueName } from '../pollers/streams/stream-kit.js';
import { deferred } from '../push/support.js';

const SERIES = 'mapping="stream",function="fn",source="kinesis"';

/** Every sample of `name` for the mapping, by shard. */
async function byShard(url: string, name: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}\\{${SERIES},shard="([^"]*)"\\} (\\S+)$`).exec(line);
    if (match) samples.set(match[1] ?? '', Number(match[2]));
  }
  return samples;
}

describe('stream gauges on /metrics, on kinesis-local', () => {
  const emulator = useEmulator('kinesis-local');
  let kinesis: KinesisClient;
  beforeAll(() => {
    kinesis = kinesisClient(emulator());
  });
  afterAll(() => kinesis.destroy());

  it('iterator age and offset lag per shard: records held by the handler lag, none once processed', { timeout: 90_000 }, async () => {
    const stream = uniqueName('gauges');
    await createStream(kinesis, stream, 2);
    const shards = ((await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? []).map((s) => s.ShardId ?? '');
    const records = keyedRecords(40, 8);
    await putRecords(kinesis, stream, records);
    const handlerMayFinish = deferred();
    const invoker = recordingInvoker(async () => {
      await handlerMayFinish.promise;
      return null;
    });
    const { sluice } = await startStreamSluice(emulator(), { source: `{ type: kinesis, stream: ${stream} }`, batchSize: 100 }, invoker);
    try {
      const url = sluice.httpUrl ?? '';
      // One batch per shard is held; every record has been read.
      const invoked = (): number => invoker.invocations.reduce((n, i) => n + i.records.length, 0);
      await eventually(async () => (invoked() === records.length ? true : undefined), 30_000, 'every record in a held batch');
      const lag = await byShard(url, 'sluice_offset_lag_records');
      expect([...lag.keys()].sort()).toEqual([...shards].sort());
      expect([...lag.values()].reduce((a, b) => a + b, 0)).toBe(records.length);
      const held = new Map(shards.map((s) => [s, 0]));
      for (const { records: batch } of invoker.invocations) {
        const shard = (batch[0] as { eventID: string }).eventID.split(':')[0] ?? '';
        held.set(shard, (held.get(shard) ?? 0) + batch.length);
      }
      expect(lag).toEqual(held);
      const age = await byShard(url, 'sluice_stream_iterator_age_milliseconds');
      expect([...age.keys()].sort()).toEqual([...shards].sort());
      for (const value of age.values()) expect(value).toBeGreaterThanOrEqual(0);

      handlerMayFinish.resolve();
      await eventually(async () => {
        const now = await byShard(url, 'sluice_offset_lag_records');
        return [...now.values()].every((v) => v === 0) ? true : undefined;
      }, 20_000, 'the lag back to 0 on every shard');
      expect((await byShard(url, 'sluice_stream_iterator_age_milliseconds')).size).toBe(shards.length);
    } finally {
      handlerMayFinish.resolve();
      await sluice.shutdown(5_000);
    }
  });
});
