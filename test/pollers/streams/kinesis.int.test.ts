/**
 * Kinesis event source mappings against kinesis-local, end to end through `startSluice`.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
import { DescribeStreamCommand, MergeShardsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { systemClock } from '../../../src/clock.js';
import type { Sluice } from '../../../src/runtime/sluice.js';
import { clientConfig, kinesisDataFile, useEmulator } from '../../harness/index.js';
import {
  allRecords,
  assertOrderPerKey,
  createStream,
  delivered,
  keyedRecords,
  kinesisClient,
  putRecords,
  recordingInvoker,
  startStreamSluice,
  uniqueName,
  waitActive,
} from './stream-kit.js';

/**
 * The order test's stream: kinesis-local puts only a few hundred records/s (fewer as a shard
 * grows), so it starts with them loaded from a data file; against LocalStack they are put.
 */
const ORDER_RECORDS = Number(process.env['SLUICE_KINESIS_ORDER_RECORDS'] ?? 20_000);
const ORDER_STREAM = 'order-preloaded';
const orderRecords = keyedRecords(ORDER_RECORDS, 200);

describe('Kinesis mappings on kinesis-local', () => {
  const orderData = kinesisDataFile({ [ORDER_STREAM]: orderRecords });
  const kinesisEmu = useEmulator('kinesis-local', { env: orderData.env });
  const sqsEmu = useEmulator('elasticmq');
  const running: Sluice[] = [];
  afterAll(async () => {
    await Promise.allSettled(running.map((s) => s.shutdown(1_000)));
    await rm(orderData.dir, { recursive: true, force: true });
  });

  it(`keeps order per partition key with parallelizationFactor 10 over ${ORDER_RECORDS} records`, { timeout: 180_000 }, async () => {
    const kinesis = kinesisClient(kinesisEmu());
    const stream = ORDER_STREAM;
    if (kinesisEmu().kind !== 'kinesis-local') {
      await createStream(kinesis, stream);
      await putRecords(kinesis, stream, orderRecords);
    }
    // A handler that takes a little while, so batches of several lanes overlap.
    const invoker = recordingInvoker(() => new Promise((r) => setTimeout(r, 2)));
    const { sluice } = await startStreamSluice(
      kinesisEmu(),
      { source: `{ type: kinesis, stream: ${stream} }`, batchSize: 100, parallelizationFactor: 10 },
      invoker,
    );
    running.push(sluice);
    await invoker.until(() => allRecords(invoker).length >= ORDER_RECORDS, 150_000, 'every record');
    await sluice.shutdown(5_000);

    const got = allRecords(invoker).map(delivered);
    expect(got).toHaveLength(ORDER_RECORDS);
    expect(new Set(got.map((r) => r.data)).size).toBe(ORDER_RECORDS);
    const counts = assertOrderPerKey(got);
    expect(counts.size).toBe(200);
    expect(invoker.maxRunning).toBeGreaterThan(1);
    expect(invoker.maxRunning).toBeLessThanOrEqual(10);
    // A key is never in two batches at once.
    const spans = invoker.invocations.map((i) => ({ keys: new Set(i.records.map((r) => delivered(r).key)), start: i.startedAt, end: i.endedAt ?? 0 }));
    const overlapping = spans.filter((a, i) => spans.some((b, j) => j > i && b.start < a.end && a.start < b.end && [...a.keys].some((k) => b.keys.has(k))));
    expect(overlapping).toEqual([]);
    kinesis.destroy();
  });

  it('loses nothing across a SplitShard and a MergeShards during consumption, parents drained before children', { timeout: 120_000 }, async () => {
    const kinesis = kinesisClient(kinesisEmu());
    const stream = uniqueName('reshard');
    await createStream(kinesis, stream);
    const all = keyedRecords(3_000, 40);
    const [first, second, third] = [all.slice(0, 1_000), all.slice(1_000, 2_000), all.slice(2_000)];
    await putRecords(kinesis, stream, first);
    const invoker = recordingInvoker(() => new Promise((r) => setTimeout(r, 5)));
    const { sluice } = await startStreamSluice(kinesisEmu(), { source: `{ type: kinesis, stream: ${stream} }`, batchSize: 50, parallelizationFactor: 2 }, invoker);
    running.push(sluice);
    await invoker.until(() => invoker.invocations.length >= 2, 30_000, 'consumption under way');

    const shards = async (): Promise<string[]> =>
      ((await kinesis.send(new DescribeStreamCommand({ StreamName: stream }))).StreamDescription?.Shards ?? []).map((s) => s.ShardId ?? '');
    const [parent] = await shards();
    await kinesis.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: parent, NewStartingHashKey: (2n ** 127n).toString() }));
    await waitActive(kinesis, stream);
    await putRecords(kinesis, stream, second);
    const children = (await shards()).filter((s) => s !== parent);
    expect(children).toHaveLength(2);
    await kinesis.send(new MergeShardsCommand({ StreamName: stream, ShardToMerge: children[0], AdjacentShardToMerge: children[1] }));
    await waitActive(kinesis, stream);
    await putRecords(kinesis, stream, third);

    await invoker.until(() => new Set(allRecords(invoker).map((r) => delivered(r).data)).size >= all.length, 90_000, 'every record');
    await sluice.shutdown(5_000);

    const got = allRecords(invoker).map(delivered);
    expect(new Set(got.map((r) => r.data))).toEqual(new Set(all.map((r) => r.data)));
    expect(got).toHaveLength(all.length);
    assertOrderPerKey(got);
    // Lineage: parent -> two children -> merged grandchild; every shard's records were delivered.
    const lineage = await kinesis.send(new DescribeStreamCommand({ StreamName: stream }));
    const described = lineage.StreamDescription?.Shards ?? [];
    expect(described).toHaveLength(4);
    const spans = new Map<string, { first: number; last: number }>();
    for (const inv of invoker.invocations) {
      for (const r of inv.records) {
        const { shardId } = delivered(r);
        const span = spans.get(shardId) ?? { first: inv.startedAt, last: inv.endedAt ?? 0 };
        spans.set(shardId, { first: Math.min(span.first, inv.startedAt), last: Math.max(span.last, inv.endedAt ?? 0) });
      }
    }
    expect(spans.size).toBe(4);
    for (const shard of described) {
      const child = spans.get(shard.ShardId ?? '');
      for (const parentId of [shard.ParentShardId, shard.AdjacentParentShardId]) {
        if (!parentId || !child) continue;
        const parentSpan = spans.get(parentId);
        expect(parentSpan, `parent ${parentId} delivered`).toBeDefined();
        expect(child.first, `${shard.ShardId} starts after ${parentId} ended`).toBeGreaterThanOrEqual(parentSpan?.last ?? Infinity);
      }
    }
    kinesis.destroy();
  });

  it('sends exactly a poison record to the SQS on-failure destination (bisect, maximumRetryAttempts 2), everything else processed', { timeout: 90_000 }, async () => {
    const kinesis = kinesisClient(kinesisEmu());
    const sqs = new SQSClient(clientConfig(sqsEmu()));
    const stream = uniqueName('poison');
    await createStream(kinesis, stream);
    const queueName = uniqueName('onfailure');
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl ?? '';
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.['QueueArn'] ?? '';
    const records = keyedRecords(200, 10);
    const poison = records[137]?.data ?? '';
    await putRecords(kinesis, stream, records, 1);

    const invoker = recordingInvoker((_event, batch) => {
      if (batch.some((r) => delivered(r).data === poison)) throw new Error('poison');
      return null;
    });
    const { sluice } = await startStreamSluice(
      kinesisEmu(),
      {
        source: `{ type: kinesis, stream: ${stream} }`,
        batchSize: 100,
        extra: ['bisectBatchOnFunctionError: true', 'maximumRetryAttempts: 2', `destinationConfig: { onFailure: { destination: "${queueArn}" } }`],
      },
      invoker,
      { env: { AWS_ENDPOINT_URL_SQS: sqsEmu().endpoint } },
    );
    running.push(sluice);

    const messages = [];
    for (let i = 0; i < 30 && messages.length === 0; i += 1) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      messages.push(...(got.Messages ?? []));
    }
    await invoker.until(
      () => new Set(invoker.invocations.filter((i) => !i.records.some((r) => delivered(r).data === poison)).flatMap((i) => i.records.map((r) => delivered(r).data))).size === 199,
      30_000,
      'every other record processed',
    );
    await sluice.shutdown(5_000);
    const more = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    messages.push(...(more.Messages ?? []));

    expect(messages).toHaveLength(1);
    const doc = JSON.parse(messages[0]?.Body ?? '{}') as {
      requestContext: { condition: string; approximateInvokeCount: number };
      KinesisBatchInfo: { shardId: string; startSequenceNumber: string; endSequenceNumber: string; batchSize: number; streamArn: string };
      version: string;
    };
    const poisonRecord = allRecords(invoker).map(delivered).find((r) => r.data === poison);
    expect(doc.version).toBe('1.0');
    expect(doc.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(doc.KinesisBatchInfo.batchSize).toBe(1);
    expect(doc.KinesisBatchInfo.startSequenceNumber).toBe(poisonRecord?.sequenceNumber);
    expect(doc.KinesisBatchInfo.endSequenceNumber).toBe(poisonRecord?.sequenceNumber);
    expect(doc.KinesisBatchInfo.shardId).toBe(poisonRecord?.shardId);
    expect(doc.KinesisBatchInfo.streamArn).toContain(`stream/${stream}`);
    kinesis.destroy();
    sqs.destroy();
  });

  it('skips records older than maximumRecordAgeInSeconds (clock moved past their arrival) and processes newer ones', { timeout: 60_000 }, async () => {
    const kinesis = kinesisClient(kinesisEmu());
    const stream = uniqueName('age');
    await createStream(kinesis, stream);
    const old = keyedRecords(50, 5, 'old');
    await putRecords(kinesis, stream, old, 1);
    let offsetMs = 120_000;
    const clock: Clock = { now: () => Date.now() + offsetMs, sleep: (ms, signal) => systemClock.sleep(ms, signal), timer: systemClock.timer };
    const discarded: unknown[] = [];
    const invoker = recordingInvoker();
    const { sluice } = await startStreamSluice(
      kinesisEmu(),
      {
        source: `{ type: kinesis, stream: ${stream} }`,
        batchSize: 10,
        extra: ['maximumRecordAgeInSeconds: 60', 'destinationConfig: { onFailure: { destination: "arn:aws:sqs:us-east-1:000000000000:aged" } }'],
      },
      invoker,
      {
        clock,
        sendToDestination: async (_destination, document) => {
          discarded.push(document);
        },
      },
    );
    running.push(sluice);
    const start = Date.now();
    while (discarded.reduce((n: number, d) => n + (d as { KinesisBatchInfo: { batchSize: number } }).KinesisBatchInfo.batchSize, 0) < 50) {
      if (Date.now() - start > 30_000) throw new Error('old records were not discarded');
      await new Promise((r) => setTimeout(r, 50));
    }
    offsetMs = 0;
    const fresh = keyedRecords(20, 5, 'new');
    await putRecords(kinesis, stream, fresh, 1);
    await invoker.until(() => allRecords(invoker).length >= 20, 30_000, 'fresh records');
    await sluice.shutdown(5_000);
    expect(allRecords(invoker).map((r) => delivered(r).data).sort()).toEqual(fresh.map((r) => r.data).sort());
    expect(discarded.every((d) => (d as { requestContext: { condition: string } }).requestContext.condition === 'RecordAgeExceeded')).toBe(true);
    kinesis.destroy();
  });
  it('tumbling windows on a live stream: state carried within a window, a final invocation per window with the total', { timeout: 60_000 }, async () => {
    const kinesis = kinesisClient(kinesisEmu());
    const stream = uniqueName('window');
    await createStream(kinesis, stream);
    const records = keyedRecords(60, 3);
    await putRecords(kinesis, stream, records, 1);
    const invoker = recordingInvoker((event, batch) => ({ state: { count: Number((event['state'] as { count?: number }).count ?? 0) + batch.length } }));
    const { sluice } = await startStreamSluice(
      kinesisEmu(),
      { source: `{ type: kinesis, stream: ${stream} }`, batchSize: 7, extra: ['tumblingWindowInSeconds: 1'] },
      invoker,
    );
    running.push(sluice);
    const finals = (): Record<string, unknown>[] => invoker.invocations.map((i) => i.event).filter((e) => e['isFinalInvokeForWindow'] === true);
    const finalTotal = (): number => finals().reduce((n, e) => n + Number((e['state'] as { count: number }).count), 0);
    await invoker.until(() => finalTotal() >= records.length, 30_000, 'final invocations covering every record');
    await sluice.shutdown(5_000);

    expect(finalTotal()).toBe(records.length);
    const windows = new Map<string, Record<string, unknown>[]>();
    for (const { event } of invoker.invocations) {
      const key = JSON.stringify(event['window']);
      windows.set(key, [...(windows.get(key) ?? []), event]);
      expect(Object.keys(event)).toEqual(['Records', 'window', 'state', 'shardId', 'eventSourceARN', 'isFinalInvokeForWindow', 'isWindowTerminatedEarly']);
      expect(event['shardId']).toBe('shardId-000000000000');
      const window = event['window'] as { start: string; end: string };
      // Every record of an invocation arrived within its window.
      for (const r of event['Records'] as { kinesis: { approximateArrivalTimestamp: number } }[]) {
        const at = r.kinesis.approximateArrivalTimestamp * 1000;
        expect(at).toBeGreaterThanOrEqual(Date.parse(window.start));
        expect(at).toBeLessThan(Date.parse(window.end));
      }
    }
    for (const events of windows.values()) {
      expect(events[0]?.['state']).toEqual({});
      expect(events.at(-1)?.['isFinalInvokeForWindow']).toBe(true);
      expect(events.at(-1)?.['Records']).toEqual([]);
      expect(events.filter((e) => e['isFinalInvokeForWindow'] === true)).toHaveLength(1);
    }
    kinesis.destroy();
  });
});
