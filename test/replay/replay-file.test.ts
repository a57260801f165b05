import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReplayFile } from '../../src/replay/replay-file.js';
import { toKinesisRecord, toSqsMessage, toStreamRecord } from '../../src/replay/sdk-shapes.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-replay-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, lines: readonly string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.join('\n'));
  return path;
}

const kinesis = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ SequenceNumber: '1', ApproximateArrivalTimestamp: 1768467600, Data: 'eyJhIjoxfQ==', PartitionKey: 'k', ...over });
const sqs = (over: Record<string, unknown> = {}) => JSON.stringify({ MessageId: 'm', Body: '{}', ...over });
const ddb = (over: Record<string, unknown> = {}, dynamodb: Record<string, unknown> = {}) =>
  JSON.stringify({ eventName: 'INSERT', dynamodb: { SequenceNumber: '100', Keys: { id: { N: '1' } }, ...dynamodb }, ...over });

describe('readReplayFile', () => {
  it('reports malformed lines with their line numbers and keeps going; blank lines and # comments are skipped', async () => {
    const path = await file('kinesis.jsonl', [
      '# recorded 2026-01-15',
      kinesis({ SequenceNumber: '1' }),
      '',
      '{"SequenceNumber": "2", ',
      kinesis({ SequenceNumber: '3', Data: 'not base64!' }),
      kinesis({ SequenceNumber: '4', PartitionKey: undefined }),
      '   ',
      kinesis({ SequenceNumber: '5' }),
      '[1,2]',
      kinesis({ SequenceNumber: '6', ApproximateArrivalTimestamp: 'yesterday' }),
      kinesis({ SequenceNumber: '7' }),
    ]);
    const result = await readReplayFile(path, toKinesisRecord);
    expect(result.lines.map((l) => [l.line, l.value.record.SequenceNumber])).toEqual([
      [2, '1'],
      [8, '5'],
      [11, '7'],
    ]);
    expect(result.problems).toEqual([
      { file: path, line: 4, message: expect.stringMatching(/^not valid JSON/) },
      { file: path, line: 5, message: 'record.Data must be base64' },
      { file: path, line: 6, message: 'record.PartitionKey must be a non-empty string' },
      { file: path, line: 9, message: 'record must be a JSON object' },
      { file: path, line: 10, message: 'record.ApproximateArrivalTimestamp must be epoch seconds or an ISO 8601 time' },
    ]);
  });

  it('handles CRLF line endings and a byte-order mark', async () => {
    const path = join(dir, 'crlf.jsonl');
    await writeFile(path, `\uFEFF${sqs({ MessageId: 'a' })}\r\n${sqs({ MessageId: 'b' })}\r\n`);
    const result = await readReplayFile(path, toSqsMessage);
    expect(result.problems).toEqual([]);
    expect(result.lines.map((l) => [l.line, l.value.MessageId])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it.each([
    ['SQS: missing MessageId', toSqsMessage, sqs({ MessageId: undefined }), 'message.MessageId must be a non-empty string'],
    ['SQS: Body not a string', toSqsMessage, sqs({ Body: { a: 1 } }), 'message.Body must be a string'],
    ['SQS: attribute without DataType', toSqsMessage, sqs({ MessageAttributes: { a: { StringValue: 'x' } } }), 'message.MessageAttributes.a.DataType must be a non-empty string'],
    ['SQS: bad binary attribute', toSqsMessage, sqs({ MessageAttributes: { a: { DataType: 'Binary', BinaryValue: '%%' } } }), 'message.MessageAttributes.a.BinaryValue must be base64'],
    ['Kinesis: missing SequenceNumber', toKinesisRecord, kinesis({ SequenceNumber: undefined }), 'record.SequenceNumber must be a non-empty string'],
    ['Kinesis: missing Data', toKinesisRecord, kinesis({ Data: undefined }), 'record.Data must be base64'],
    ['DynamoDB: unknown eventName', toStreamRecord, ddb({ eventName: 'UPSERT' }), 'record.eventName must be INSERT, MODIFY or REMOVE, got "UPSERT"'],
    ['DynamoDB: missing dynamodb', toStreamRecord, ddb({ dynamodb: undefined }), 'record.dynamodb must be a JSON object'],
    ['DynamoDB: missing Keys', toStreamRecord, ddb({}, { Keys: undefined }), 'record.dynamodb.Keys must be a JSON object'],
    ['DynamoDB: bad attribute type', toStreamRecord, ddb({}, { Keys: { id: { X: '1' } } }), 'record.dynamodb.Keys.id has unknown attribute type "X"'],
    ['DynamoDB: two type keys', toStreamRecord, ddb({}, { Keys: { id: { S: '1', N: '1' } } }), 'record.dynamodb.Keys.id must have exactly one type key (S, N, B, SS, NS, BS, M, L, NULL, BOOL)'],
    ['DynamoDB: bad binary', toStreamRecord, ddb({}, { NewImage: { b: { B: 'abc' } } }), 'record.dynamodb.NewImage.b.B must be base64'],
  ])('%s is reported', async (name, convert, line, message) => {
    const path = await file(`${name.replace(/\W+/g, '-')}.jsonl`, [line]);
    const result = await readReplayFile(path, convert as (v: unknown) => unknown);
    expect(result.lines).toEqual([]);
    expect(result.problems).toEqual([{ file: path, line: 1, message }]);
  });
});

describe('sdk-shapes', () => {
  it('toSqsMessage keeps the SDK Message fields and defaults the receipt handle', () => {
    const message = toSqsMessage({
      MessageId: 'id-1',
      Body: 'hello',
      MD5OfBody: '5d41402abc4b2a76b9719d911017c592',
      Attributes: { SentTimestamp: 1768467600000, ApproximateReceiveCount: '1' },
      MessageAttributes: { city: { DataType: 'String', StringValue: 'Paris' }, raw: { DataType: 'Binary', BinaryValue: 'AQID' } },
    });
    expect(message).toEqual({
      MessageId: 'id-1',
      ReceiptHandle: 'replay-id-1',
      Body: 'hello',
      MD5OfBody: '5d41402abc4b2a76b9719d911017c592',
      Attributes: { SentTimestamp: '1768467600000', ApproximateReceiveCount: '1' },
      MessageAttributes: { city: { DataType: 'String', StringValue: 'Paris' }, raw: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) } },
    });
  });

  it('toKinesisRecord decodes Data, reads epoch seconds or ISO times, and defaults the shard', () => {
    expect(toKinesisRecord({ SequenceNumber: '49', ApproximateArrivalTimestamp: 1768467600.5, Data: 'aGk=', PartitionKey: 'p', EncryptionType: 'NONE' })).toEqual({
      shardId: 'shardId-000000000000',
      record: {
        SequenceNumber: '49',
        ApproximateArrivalTimestamp: new Date(1768467600500),
        Data: new Uint8Array(Buffer.from('hi')),
        PartitionKey: 'p',
        EncryptionType: 'NONE',
      },
    });
    const iso = toKinesisRecord({ ShardId: 'shardId-000000000007', SequenceNumber: '1', ApproximateArrivalTimestamp: '2026-01-15T09:00:00Z', Data: '', PartitionKey: 'p' });
    expect(iso.shardId).toBe('shardId-000000000007');
    expect(iso.record.ApproximateArrivalTimestamp).toEqual(new Date('2026-01-15T09:00:00Z'));
    expect(iso.record.Data).toEqual(new Uint8Array());
  });

  it('toStreamRecord converts DynamoDB JSON attribute values into the SDK shape', () => {
    const { shardId, record } = toStreamRecord({
      eventID: 'e1',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
      dynamodb: {
        ApproximateCreationDateTime: 1768467600,
        SequenceNumber: '100',
        SizeBytes: 26,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        Keys: { id: { N: '1' } },
        NewImage: {
          id: { N: '1' },
          tags: { SS: ['a', 'b'] },
          blob: { B: 'AQI=' },
          blobs: { BS: ['AQ=='] },
          nested: { M: { ok: { BOOL: true }, none: { NULL: true }, list: { L: [{ S: 'x' }, { N: '2' }] } } },
          nums: { NS: ['1', '2'] },
        },
      },
    });
    expect(shardId).toBe('shardId-000000000000');
    expect(record).toEqual({
      eventID: 'e1',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      userIdentity: { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' },
      dynamodb: {
        ApproximateCreationDateTime: new Date(1768467600000),
        SequenceNumber: '100',
        SizeBytes: 26,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        Keys: { id: { N: '1' } },
        NewImage: {
          id: { N: '1' },
          tags: { SS: ['a', 'b'] },
          blob: { B: new Uint8Array([1, 2]) },
          blobs: { BS: [new Uint8Array([1])] },
          nested: { M: { ok: { BOOL: true }, none: { NULL: true }, list: { L: [{ S: 'x' }, { N: '2' }] } } },
          nums: { NS: ['1', '2'] },
        },
      },
    });
  });
});
