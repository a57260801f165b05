/**
 * Writes the quickstart's replay files (config/examples/replays/*.jsonl), deterministic,
 * in the shapes the AWS API returns. Run: npx tsx scripts/make-quickstart-replays.ts
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../config/examples/replays/', import.meta.url));
const t0 = Date.UTC(2026, 0, 15, 9, 0, 0);
const uuid = (seed: string): string => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const write = (name: string, lines: unknown[]): void =>
  writeFileSync(`${dir}${name}`, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);

// SQS: 25 orders and 3 non-order messages (filtered out); order 7 has a negative amount.
write(
  'orders.jsonl',
  Array.from({ length: 28 }, (_, i) => {
    const body = JSON.stringify(i >= 25 ? { type: 'ping', seq: i } : { type: 'order', id: i + 1, amount: i === 6 ? -5 : 10 + i });
    return {
      MessageId: uuid(`orders-${i}`),
      ReceiptHandle: `AQEB${md5(`rh-${i}`)}`,
      MD5OfBody: md5(body),
      Body: body,
      Attributes: {
        SentTimestamp: String(t0 + i * 1000),
        SenderId: 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp: String(t0 + i * 1000 + 5),
        ApproximateReceiveCount: '1',
      },
    };
  }),
);

// Kinesis: 200 clicks on two shards.
const seq = (shard: number, i: number): string => `4960${shard}${String(1_000_000_000_000 + i).padStart(48, '0')}`;
write(
  'clicks.jsonl',
  Array.from({ length: 200 }, (_, i) => {
    const shard = (i % 13) % 2; // a partition key always maps to the same shard
    const page = ['/', '/pricing', '/docs', '/blog'][i % 4] as string;
    return {
      ShardId: `shardId-00000000000${shard}`,
      SequenceNumber: seq(shard, i),
      ApproximateArrivalTimestamp: (t0 + i * 250) / 1000,
      Data: Buffer.from(JSON.stringify({ page, user: `u${i % 13}` })).toString('base64'),
      PartitionKey: `u${i % 13}`,
    };
  }),
);

// DynamoDB Streams: an item's life, NEW_AND_OLD_IMAGES.
const keys = (id: number) => ({ id: { N: String(id) } });
const ddb = (i: number, eventName: 'INSERT' | 'MODIFY' | 'REMOVE', id: number, oldStatus?: string, newStatus?: string) => ({
  eventID: md5(`ddb-${i}`),
  eventName,
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'us-east-1',
  dynamodb: {
    ApproximateCreationDateTime: (t0 + i * 1000) / 1000,
    Keys: keys(id),
    ...(newStatus ? { NewImage: { ...keys(id), status: { S: newStatus } } } : {}),
    ...(oldStatus ? { OldImage: { ...keys(id), status: { S: oldStatus } } } : {}),
    SequenceNumber: String(100_000_000_000_000_000_000n + BigInt(i * 100)),
    SizeBytes: 40,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});
write('orders-table.jsonl', [
  ddb(0, 'INSERT', 1, undefined, 'new'),
  ddb(1, 'INSERT', 2, undefined, 'new'),
  ddb(2, 'MODIFY', 1, 'new', 'paid'),
  ddb(3, 'MODIFY', 1, 'paid', 'shipped'),
  ddb(4, 'REMOVE', 2, 'new'),
]);

// S3: two uploads, one key with a space (encoded as +, as S3 does).
const s3 = (i: number, key: string, size: number) => ({
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: new Date(t0 + i * 1000).toISOString(),
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:AIDAINPONIXQXHT3IKHL2' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': md5(`req-${i}`).slice(0, 16).toUpperCase(), 'x-amz-id-2': md5(`id2-${i}`) },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'thumbnails',
        bucket: { name: 'uploads', ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: 'arn:aws:s3:::uploads' },
        object: { key, size, eTag: md5(key), sequencer: `0A1B2C3D4E5F6${i}` },
      },
    },
  ],
});
write('uploads.jsonl', [s3(0, 'photos/cat.jpg', 51234), s3(1, 'photos/summer+holiday.png', 99120)]);
