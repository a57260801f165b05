/**
 * `sluice/testing`'s `replay()` end to end: the quickstart config, and small configs
 * written here, through the real pipeline (local handler processes included).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay, type Invocation, type ReplayResult } from 'sluice/testing';

const QUICKSTART = 'config/examples/quickstart.yaml';
const ORDER_7 = 'cb112c1b-4e7c-4663-a39c-de977726fdb0';

type Rec = Record<string, unknown>;
const records = (invocation: Invocation): Rec[] => invocation.event.Records;
const of = (result: ReplayResult, mapping: string): Invocation[] => result.invocations.filter((i) => i.mapping === mapping);
const attr = (record: Rec, name: string): unknown => (record['attributes'] as Rec)[name];

describe('replay() on the quickstart (sluice/testing)', () => {
  let result: ReplayResult;
  beforeAll(async () => {
    result = await replay({ config: QUICKSTART });
  });

  it('handles every record: ok, no destination documents', () => {
    expect(result.ok).toBe(true);
    expect(result.destinations).toEqual([]);
    expect(result.mappings.map((m) => [m.mapping, m.records, m.invocations, m.processed, m.filtered, m.deadLettered, m.ok])).toEqual([
      ['orders-queue', 28, 3, 24, 3, 1, true],
      ['clicks-stream', 200, 6, 200, 0, 0, true],
      ['orders-table', 5, 1, 5, 0, 0, true],
      ['uploads', 2, 2, 2, 0, 0, true],
    ]);
  });

  it('SQS: batches of 10; the failing order is received twice (ApproximateReceiveCount "1" then "2"), reported each time, then dead-lettered; pings are filtered out', () => {
    const orders = of(result, 'orders-queue');
    expect(orders.map((i) => records(i).length)).toEqual([10, 10, 6]);
    const withOrder7 = orders.filter((i) => records(i).some((r) => r['messageId'] === ORDER_7));
    expect(withOrder7).toHaveLength(2);
    expect(withOrder7.map((i) => attr(records(i).find((r) => r['messageId'] === ORDER_7) as Rec, 'ApproximateReceiveCount'))).toEqual(['1', '2']);
    for (const invocation of withOrder7) {
      expect(invocation.outcome.kind).toBe('partial');
      expect(invocation.response).toEqual({ batchItemFailures: [{ itemIdentifier: ORDER_7 }] });
    }
    expect(orders[2]?.outcome.kind).toBe('success');
    const bodies = orders.flatMap((i) => records(i).map((r) => JSON.parse(r['body'] as string) as { type: string; id: number }));
    expect(bodies.every((b) => b.type === 'order')).toBe(true);
    // Orders 1-25, order 7 twice.
    expect(bodies.map((b) => b.id).sort((a, b) => a - b)).toEqual([...Array.from({ length: 25 }, (_, i) => i + 1), 7].sort((a, b) => a - b));
    expect(records(orders[0] as Invocation)[0]).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orders', awsRegion: 'us-east-1' });
  });

  it('Kinesis: every record exactly once, each invocation from one shard, and per partition key in shard order', () => {
    const clicks = of(result, 'clicks-stream');
    const seen = new Map<string, number>();
    const lastByKey = new Map<string, bigint>();
    for (const invocation of clicks) {
      const shardIds = new Set(records(invocation).map((r) => (r['eventID'] as string).split(':')[0]));
      expect([...shardIds]).toEqual([invocation.shardId]);
      expect(records(invocation).length).toBeLessThanOrEqual(50);
      for (const record of records(invocation)) {
        const kinesis = record['kinesis'] as { partitionKey: string; sequenceNumber: string };
        seen.set(kinesis.sequenceNumber, (seen.get(kinesis.sequenceNumber) ?? 0) + 1);
        const key = `${invocation.shardId}/${kinesis.partitionKey}`;
        const sequence = BigInt(kinesis.sequenceNumber);
        expect(sequence > (lastByKey.get(key) ?? -1n)).toBe(true);
        lastByKey.set(key, sequence);
      }
    }
    expect(seen.size).toBe(200);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(clicks.map((i) => i.shardId))).toEqual(new Set(['shardId-000000000000', 'shardId-000000000001']));
    expect(records(clicks[0] as Invocation)[0]).toMatchObject({
      eventSource: 'aws:kinesis',
      eventName: 'aws:kinesis:record',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/clicks',
    });
  });

  it('DynamoDB Streams: one batch of the five changes, in order', () => {
    const [table, ...rest] = of(result, 'orders-table');
    expect(rest).toEqual([]);
    const events = records(table as Invocation);
    expect(events.map((r) => r['eventName'])).toEqual(['INSERT', 'INSERT', 'MODIFY', 'MODIFY', 'REMOVE']);
    expect(events.map((r) => (r['dynamodb'] as Rec)['Keys'])).toEqual([
      { id: { N: '1' } },
      { id: { N: '2' } },
      { id: { N: '1' } },
      { id: { N: '1' } },
      { id: { N: '2' } },
    ]);
    expect(events[4]).toMatchObject({ eventSource: 'aws:dynamodb', dynamodb: { OldImage: { status: { S: 'new' } } } });
    expect(events[0]?.['eventSourceARN']).toMatch(/^arn:aws:dynamodb:us-east-1:000000000000:table\/orders\/stream\//);
    expect(table?.response).toEqual({ audited: 5 });
  });

  it('S3: one asynchronous invocation per notification, object keys URL-encoded with + for spaces', () => {
    const uploads = of(result, 'uploads');
    expect(uploads.map((i) => records(i).map((r) => ((r['s3'] as Rec)['object'] as Rec)['key']))).toEqual([['photos/cat.jpg'], ['photos/summer+holiday.png']]);
    expect(uploads.every((i) => i.outcome.kind === 'success')).toBe(true);
  });
});

describe('replay() on configs with failing handlers', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-testing-'));
    await writeFile(join(dir, 'fail.mjs'), 'export const handler = async () => { throw new TypeError("always broken"); };\n');
    await writeFile(join(dir, 'ok.mjs'), 'export const handler = async (event) => ({ n: event.Records.length });\n');
    const lines = [0, 1, 2].map((i) =>
      JSON.stringify({
        ShardId: 'shardId-000000000000',
        SequenceNumber: `4960000000000000000000000000000000000000000000000000${i}`,
        ApproximateArrivalTimestamp: 1768467600 + i,
        Data: Buffer.from(JSON.stringify({ i })).toString('base64'),
        PartitionKey: `k${i}`,
      }),
    );
    await writeFile(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
    await writeFile(join(dir, 'malformed.jsonl'), `${lines[0]}\n{"SequenceNumber": oops}\n${lines[1]}\n${lines[2]?.replace('"Data":"', '"Data":"!')}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function config(name: string, mapping: string, handler = 'fail'): Promise<string> {
    const file = join(dir, `${name}.yaml`);
    await writeFile(
      file,
      [
        'region: us-east-1',
        'account: "000000000000"',
        'functions:',
        `  fn: { handler: ./${handler}.handler }`,
        'mappings:',
        '  - name: events',
        '    function: fn',
        ...mapping.split('\n').map((l) => `    ${l}`),
        '',
      ].join('\n'),
    );
    return file;
  }

  it('maximumRetryAttempts 1 with an on-failure destination: two invocations, then the exact on-failure record; ok (the failure policy handled it)', async () => {
    const file = await config(
      'retry-once',
      [
        'source: { type: kinesis, stream: events, replay: ./events.jsonl }',
        'maximumRetryAttempts: 1',
        'destinationConfig: { onFailure: { destination: "arn:aws:sqs:us-east-1:000000000000:failures" } }',
      ].join('\n'),
    );
    const result = await replay({ config: file });
    expect(result.invocations).toHaveLength(2);
    expect(result.invocations.map((i) => i.error)).toEqual([
      expect.objectContaining({ errorType: 'TypeError', errorMessage: 'always broken' }),
      expect.objectContaining({ errorType: 'TypeError', errorMessage: 'always broken' }),
    ]);
    expect(result.destinations).toEqual([
      {
        destination: 'arn:aws:sqs:us-east-1:000000000000:failures',
        document: {
          requestContext: {
            requestId: result.invocations[1]?.outcome.requestId,
            functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
            condition: 'RetryAttemptsExhausted',
            approximateInvokeCount: 2,
          },
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          version: '1.0',
          timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          KinesisBatchInfo: {
            shardId: 'shardId-000000000000',
            startSequenceNumber: '49600000000000000000000000000000000000000000000000000',
            endSequenceNumber: '49600000000000000000000000000000000000000000000000002',
            approximateArrivalOfFirstRecord: '2026-01-15T09:00:00.000Z',
            approximateArrivalOfLastRecord: '2026-01-15T09:00:02.000Z',
            batchSize: 3,
            streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events',
          },
        },
      },
    ]);
    expect(result.mappings[0]).toMatchObject({ discarded: 3, abandoned: 0, functionErrors: 2, ok: true });
    expect(result.ok).toBe(true);
  });

  it('maximumRetryAttempts -1 (retry forever): abandoned after maxAttempts invocations, not sent to the destination, and not ok', async () => {
    const file = await config(
      'forever',
      [
        'source: { type: kinesis, stream: events, replay: ./events.jsonl }',
        'maximumRetryAttempts: -1',
        'destinationConfig: { onFailure: { destination: "arn:aws:sqs:us-east-1:000000000000:failures" } }',
      ].join('\n'),
    );
    const result = await replay({ config: file, maxAttempts: 4 });
    expect(result.invocations).toHaveLength(4);
    expect(result.destinations).toEqual([]);
    expect(result.mappings[0]).toMatchObject({ abandoned: 3, discarded: 0, ok: false });
    expect(result.ok).toBe(false);
  });

  it('a malformed replay line is reported with its line number, the other lines are processed, and the replay is not ok', async () => {
    const file = await config('malformed', 'source: { type: kinesis, stream: events, replay: ./malformed.jsonl }', 'ok');
    const result = await replay({ config: file });
    expect(result.invocations).toHaveLength(1);
    expect(records(result.invocations[0] as Invocation)).toHaveLength(2);
    expect(result.mappings[0]?.malformed).toEqual([
      { file: join(dir, 'malformed.jsonl'), line: 2, message: expect.stringMatching(/^not valid JSON/) },
      { file: join(dir, 'malformed.jsonl'), line: 4, message: 'record.Data must be base64' },
    ]);
    expect(result.mappings[0]).toMatchObject({ records: 2, processed: 2, ok: false });
    expect(result.ok).toBe(false);
  });
});
