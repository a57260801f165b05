/**
 * DynamoDB Streams mappings against DynamoDB Local, end to end through `startSluice`:
 * INSERT / MODIFY / REMOVE under every StreamViewType, compared key by key with the
 * records Lambda delivers.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html
 */
import { CreateTableCommand, DeleteItemCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sluice } from '../../../src/runtime/sluice.js';
import { clientConfig, useEmulator } from '../../harness/index.js';
import { allRecords, recordingInvoker, startStreamSluice, uniqueName } from './stream-kit.js';

const VIEW_TYPES = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'] as const;

type Image = Record<string, Record<string, unknown>>;

const KEYS: Image = { pk: { S: 'item-1' } };
const FIRST: Image = { pk: { S: 'item-1' }, count: { N: '1' }, tags: { SS: ['a', 'b'] } };
const SECOND: Image = { pk: { S: 'item-1' }, count: { N: '2' }, tags: { SS: ['a', 'b'] } };

/** What each change looks like before the view type picks its images. */
const CHANGES = [
  { eventName: 'INSERT', newImage: FIRST, oldImage: undefined },
  { eventName: 'MODIFY', newImage: SECOND, oldImage: FIRST },
  { eventName: 'REMOVE', newImage: undefined, oldImage: SECOND },
] as const;

async function createStreamTable(ddb: DynamoDBClient, table: string, viewType: string): Promise<string> {
  await ddb.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: viewType as 'KEYS_ONLY' },
    }),
  );
  const described = await ddb.send(new DescribeTableCommand({ TableName: table }));
  return described.Table?.LatestStreamArn ?? '';
}

async function insertModifyRemove(ddb: DynamoDBClient, table: string): Promise<void> {
  await ddb.send(new PutItemCommand({ TableName: table, Item: FIRST as never }));
  await ddb.send(
    new UpdateItemCommand({
      TableName: table,
      Key: KEYS as never,
      UpdateExpression: 'SET #c = :two',
      ExpressionAttributeNames: { '#c': 'count' },
      ExpressionAttributeValues: { ':two': { N: '2' } },
    }),
  );
  await ddb.send(new DeleteItemCommand({ TableName: table, Key: KEYS as never }));
}

describe('DynamoDB Streams mappings on DynamoDB Local', () => {
  const emulator = useEmulator('dynamodb-local');
  const running: Sluice[] = [];
  afterAll(async () => {
    await Promise.allSettled(running.map((s) => s.shutdown(1_000)));
  });

  it.each(VIEW_TYPES)('delivers INSERT, MODIFY and REMOVE as Lambda records under StreamViewType %s', { timeout: 60_000 }, async (viewType) => {
    const ddb = new DynamoDBClient(clientConfig(emulator()));
    const table = uniqueName(`views-${viewType.toLowerCase()}`);
    const streamArn = await createStreamTable(ddb, table, viewType);
    await insertModifyRemove(ddb, table);
    const invoker = recordingInvoker();
    const { sluice } = await startStreamSluice(emulator(), { source: `{ type: dynamodb, table: ${table} }`, batchSize: 10 }, invoker);
    running.push(sluice);
    await invoker.until(() => allRecords(invoker).length >= 3, 30_000, 'three stream records');
    await sluice.shutdown(5_000);

    const records = allRecords(invoker) as Record<string, unknown>[];
    expect(records).toHaveLength(3);
    const withImages = (viewType: string, image: 'new' | 'old'): boolean =>
      viewType === 'NEW_AND_OLD_IMAGES' || (image === 'new' ? viewType === 'NEW_IMAGE' : viewType === 'OLD_IMAGE');
    let previousSequence = -1n;
    records.forEach((record, i) => {
      const change = CHANGES[i] as (typeof CHANGES)[number];
      const stream = record['dynamodb'] as Record<string, unknown>;
      // Top-level keys, in the order Lambda's documented sample has them (DynamoDB Local gives no userIdentity).
      expect(Object.keys(record)).toEqual(['eventID', 'eventName', 'eventVersion', 'eventSource', 'awsRegion', 'dynamodb', 'eventSourceARN']);
      expect(typeof record['eventID']).toBe('string');
      expect(record['eventName']).toBe(change.eventName);
      expect(record['eventVersion']).toBe('1.1');
      expect(record['eventSource']).toBe('aws:dynamodb');
      expect(record['awsRegion']).toBe('ddblocal');
      expect(record['eventSourceARN']).toBe(streamArn);
      const expectedNew = withImages(viewType, 'new') ? change.newImage : undefined;
      const expectedOld = withImages(viewType, 'old') ? change.oldImage : undefined;
      expect(Object.keys(stream)).toEqual([
        'ApproximateCreationDateTime',
        'Keys',
        ...(expectedNew ? ['NewImage'] : []),
        ...(expectedOld ? ['OldImage'] : []),
        'SequenceNumber',
        'SizeBytes',
        'StreamViewType',
      ]);
      expect(stream['Keys']).toEqual(KEYS);
      expect(stream['NewImage']).toEqual(expectedNew);
      expect(stream['OldImage']).toEqual(expectedOld);
      expect(stream['StreamViewType']).toBe(viewType);
      expect(typeof stream['SizeBytes']).toBe('number');
      expect(stream['SizeBytes']).toBeGreaterThan(0);
      const created = stream['ApproximateCreationDateTime'] as number;
      expect(Number.isInteger(created)).toBe(true);
      // Epoch seconds (DynamoDB Local truncates to the minute).
      expect(Math.abs(created - Date.now() / 1000)).toBeLessThan(180);
      const sequence = BigInt(stream['SequenceNumber'] as string);
      expect(sequence > previousSequence).toBe(true);
      previousSequence = sequence;
    });
    // One record per invocation batch here; the event is `{ Records }` and nothing else.
    expect(Object.keys(invoker.invocations[0]?.event ?? {})).toEqual(['Records']);
    ddb.destroy();
  });

  it('keeps order per item with parallelizationFactor 4 (item key lanes) over many items', { timeout: 90_000 }, async () => {
    const ddb = new DynamoDBClient(clientConfig(emulator()));
    const table = uniqueName('items');
    await createStreamTable(ddb, table, 'NEW_IMAGE');
    const items = 20;
    const versions = 15;
    for (let v = 0; v < versions; v += 1) {
      await Promise.all(
        Array.from({ length: items }, (_, i) => ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `item-${i}` }, v: { N: String(v) } } }))),
      );
    }
    const invoker = recordingInvoker(() => new Promise((r) => setTimeout(r, 3)));
    const { sluice } = await startStreamSluice(
      emulator(),
      { source: `{ type: dynamodb, table: ${table} }`, batchSize: 10, parallelizationFactor: 4 },
      invoker,
    );
    running.push(sluice);
    await invoker.until(() => allRecords(invoker).length >= items * versions, 60_000, 'every change');
    await sluice.shutdown(5_000);
    const last = new Map<string, number>();
    for (const record of allRecords(invoker) as { dynamodb: { NewImage: Image } }[]) {
      const key = String(record.dynamodb.NewImage['pk']?.['S']);
      const v = Number(record.dynamodb.NewImage['v']?.['N']);
      expect(v, key).toBe((last.get(key) ?? -1) + 1);
      last.set(key, v);
    }
    expect(last.size).toBe(items);
    expect(invoker.maxRunning).toBeGreaterThan(1);
    ddb.destroy();
  });
});
