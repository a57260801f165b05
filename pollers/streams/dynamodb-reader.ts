import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type GetRecordsCommandOutput,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { SluiceError } from '../../src/errors.js';
import { dynamodbPipelineRecord } from '../../src/events/pipeline.js';
import { toStreamError } from './aws-errors.js';
import { createReadAhead, isBehind } from './read-ahead.js';
import type { ShardPosition, ShardReader, StreamShard } from './shard-reader.js';

export interface DynamoDbReaderOptions {
  readonly client: Pick<DynamoDBStreamsClient, 'send'>;
  readonly streamArn: string;
  readonly region: string;
  /**
   * Wait between reads of a caught-up shard. DynamoDB Streams allows 4 GetRecords per
   * second per shard; sluice uses 250 ms, and 1,000 ms against AWS, as Lambda polls.
   */
  readonly pollIntervalMs: number;
  readonly now?: () => number;
}

/**
 * The engine's port over DynamoDB Streams: DescribeStream for shards (with parents),
 * GetShardIterator (no AT_TIMESTAMP: DynamoDB Streams has none) and GetRecords (one read
 * ahead while the shard returns records: see read-ahead.ts).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 */
export function createDynamoDbReader(options: DynamoDbReaderOptions): ShardReader {
  const { client, streamArn } = options;
  const now = options.now ?? Date.now;
  const readAhead = createReadAhead<GetRecordsCommandOutput>();
  return {
    source: 'dynamodb',
    streamArn,
    maxRecordsPerRead: 1_000,
    pollIntervalMs: options.pollIntervalMs,
    finite: false,
    async listShards(signal) {
      const shards: Shard[] = [];
      let start: string | undefined;
      try {
        do {
          const page = await client.send(
            new DescribeStreamCommand({ StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }),
            { abortSignal: signal },
          );
          shards.push(...(page.StreamDescription?.Shards ?? []));
          start = page.StreamDescription?.LastEvaluatedShardId;
        } while (start);
      } catch (err) {
        throw toStreamError(err, `DescribeStream ${streamArn}`);
      }
      return shards.map((s): StreamShard => ({ shardId: s.ShardId ?? '', parentShardIds: s.ParentShardId ? [s.ParentShardId] : [] }));
    },
    async getIterator(shardId, position, signal) {
      try {
        const result = await client.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ...iteratorType(position) }), {
          abortSignal: signal,
        });
        if (!result.ShardIterator) throw new Error('no shard iterator returned');
        return result.ShardIterator;
      } catch (err) {
        throw toStreamError(err, `GetShardIterator ${shardId}`);
      }
    },
    async getRecords(shardId, iterator, limit, signal) {
      const read = (from: string): Promise<GetRecordsCommandOutput> =>
        client.send(new GetRecordsCommand({ ShardIterator: from, Limit: Math.min(limit, 1_000) }), { abortSignal: signal }).catch((err: unknown) => {
          throw toStreamError(err, `GetRecords ${shardId}`);
        });
      const result = await (readAhead.take(shardId, iterator) ?? read(iterator));
      const next = result.NextShardIterator;
      // A read that returned records may have more behind it (see the iterator age below).
      if (next !== undefined && isBehind({ records: result.Records?.length ?? 0, limit: Math.min(limit, 1_000), millisBehindLatest: undefined })) {
        readAhead.start(shardId, next, () => read(next));
      }
      const receivedAt = now();
      const records = (result.Records ?? []).map((r) => dynamodbPipelineRecord(r, { shardId, streamArn, region: options.region, receivedAt }));
      // DynamoDB Streams has no MillisBehindLatest: an empty read means caught up, and otherwise
      // the iterator age is Lambda's for DynamoDB, the age of the last record read (at least
      // 1 ms, so the consumer reads on at once).
      const last = records.at(-1);
      return {
        records,
        ...(result.NextShardIterator ? { nextIterator: result.NextShardIterator } : {}),
        millisBehindLatest: last === undefined ? 0 : Math.max(1, receivedAt - last.arrivalTime),
      };
    },
  };
}

function iteratorType(position: ShardPosition) {
  switch (position.kind) {
    case 'AFTER_SEQUENCE_NUMBER':
      return { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: position.sequenceNumber };
    case 'LATEST':
      return { ShardIteratorType: 'LATEST' as const };
    case 'TRIM_HORIZON':
      return { ShardIteratorType: 'TRIM_HORIZON' as const };
    case 'AT_TIMESTAMP':
      throw new SluiceError('InvalidStartingPosition', 'DynamoDB Streams has no AT_TIMESTAMP iterator');
  }
}

/** The latest stream of a table (waiting for it to exist with a stream), or the ARN given. */
export async function resolveDynamoDbStream(
  client: Pick<DynamoDBClient, 'send'>,
  source: { readonly table?: string; readonly streamArn?: string },
  signal: AbortSignal,
): Promise<string> {
  if (source.streamArn) return source.streamArn;
  const table = source.table ?? '';
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: table }), { abortSignal: signal });
    const arn = described.Table?.LatestStreamArn;
    if (!arn || described.Table?.StreamSpecification?.StreamEnabled === false) {
      throw new SluiceError('StreamNotEnabled', `table ${table} has no stream enabled (set StreamSpecification.StreamEnabled)`, { retryable: true });
    }
    return arn;
  } catch (err) {
    throw toStreamError(err, `DescribeTable ${table}`);
  }
}
