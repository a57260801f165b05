import type { DynamoDBStreamsClient, GetRecordsCommandOutput } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { createDynamoDbReader } from '../../../pollers/streams/dynamodb-reader.js';

type Send = Pick<DynamoDBStreamsClient, 'send'>['send'];

const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-01-15T09:00:00.000';
const NOW = Date.UTC(2026, 0, 15, 9, 0, 30);

function streamRecord(sequenceNumber: string, createdSecondsAgo: number): NonNullable<GetRecordsCommandOutput['Records']>[number] {
  return {
    eventID: `ev-${sequenceNumber}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: new Date(NOW - createdSecondsAgo * 1000),
      Keys: { id: { S: sequenceNumber } },
      SequenceNumber: sequenceNumber,
      SizeBytes: 10,
      StreamViewType: 'KEYS_ONLY',
    },
  };
}

function readerAnswering(records: NonNullable<GetRecordsCommandOutput['Records']>) {
  return createDynamoDbReader({
    // Every command (only GetRecords here) gets the same answer.
    client: { send: (async () => ({ Records: records, NextShardIterator: 'next', $metadata: {} })) as unknown as Send },
    streamArn: STREAM_ARN,
    region: 'us-east-1',
    pollIntervalMs: 250,
    now: () => NOW,
  });
}

describe('createDynamoDbReader: the iterator age (DynamoDB Streams has no MillisBehindLatest)', () => {
  it.each([
    ['an empty read is caught up', [], 0],
    ['the age of the last record read', [streamRecord('100', 20), streamRecord('101', 5)], 5_000],
    ['at least 1 ms while records come (the consumer reads on at once)', [streamRecord('102', 0)], 1],
  ] as const)('%s', async (_, records, age) => {
    const result = await readerAnswering([...records]).getRecords('shardId-1', 'it', 100, new AbortController().signal);
    expect(result.millisBehindLatest).toBe(age);
    expect(result.nextIterator).toBe('next');
  });
});
