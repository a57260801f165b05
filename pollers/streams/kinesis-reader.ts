import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type GetRecordsCommandOutput,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { kinesisPipelineRecord } from '../../src/events/pipeline.js';
import { toStreamError } from './aws-errors.js';
import { createReadAhead, isBehind } from './read-ahead.js';
import type { ShardPosition, ShardReader, StreamShard } from './shard-reader.js';

export interface KinesisReaderOptions {
  readonly client: Pick<KinesisClient, 'send'>;
  /** The stream's ARN (see `resolveKinesisStream`). */
  readonly streamArn: string;
  readonly region: string;
  /** The `invokeIdentityArn` of the records: the role Lambda would read with. */
  readonly invokeIdentityArn: string;
  /**
   * Wait between reads of a caught-up shard. AWS polls each shard about once a second
   * (the limit is 5 GetRecords per second per shard, shared by every consumer); sluice
   * polls every 1,000 ms against AWS and every 200 ms against an emulator, where there
   * is no shared limit and a local edit-run loop wants low latency.
   */
  readonly pollIntervalMs: number;
  readonly now?: () => number;
}

/**
 * The engine's port over Kinesis Data Streams: ListShards, GetShardIterator and
 * GetRecords (shared-throughput consumer, over HTTP/1.1, one read ahead while the shard is
 * behind: see read-ahead.ts), every call with an abort signal.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
export function createKinesisReader(options: KinesisReaderOptions): ShardReader {
  const { client, streamArn } = options;
  const now = options.now ?? Date.now;
  // StreamName rather than StreamARN: older emulators (kinesis-mock) predate the ARN parameters.
  const StreamName = streamArn.slice(streamArn.indexOf(':stream/') + ':stream/'.length);
  const readAhead = createReadAhead<GetRecordsCommandOutput>();
  return {
    source: 'kinesis',
    streamArn,
    maxRecordsPerRead: 10_000,
    pollIntervalMs: options.pollIntervalMs,
    finite: false,
    async listShards(signal) {
      const shards: Shard[] = [];
      let nextToken: string | undefined;
      try {
        do {
          const page = await client.send(
            new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName }),
            { abortSignal: signal },
          );
          shards.push(...(page.Shards ?? []));
          nextToken = page.NextToken;
        } while (nextToken);
      } catch (err) {
        throw toStreamError(err, `ListShards ${streamArn}`);
      }
      return shards.map(
        (s): StreamShard => ({
          shardId: s.ShardId ?? '',
          parentShardIds: [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => Boolean(p)),
        }),
      );
    },
    async getIterator(shardId, position, signal) {
      try {
        const result = await client.send(new GetShardIteratorCommand({ StreamName, ShardId: shardId, ...iteratorType(position) }), {
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
        client.send(new GetRecordsCommand({ ShardIterator: from, Limit: limit }), { abortSignal: signal }).catch((err: unknown) => {
          throw toStreamError(err, `GetRecords ${shardId}`);
        });
      const result = await (readAhead.take(shardId, iterator) ?? read(iterator));
      const next = result.NextShardIterator;
      if (next !== undefined && isBehind({ records: result.Records?.length ?? 0, limit, millisBehindLatest: result.MillisBehindLatest })) {
        readAhead.start(shardId, next, () => read(next));
      }
      const ctx = { shardId, streamArn, region: options.region, invokeIdentityArn: options.invokeIdentityArn };
      const readAt = now();
      const records = (result.Records ?? []).map((r) =>
        kinesisPipelineRecord(r.ApproximateArrivalTimestamp ? r : { ...r, ApproximateArrivalTimestamp: new Date(readAt) }, ctx),
      );
      return {
        records,
        ...(result.NextShardIterator ? { nextIterator: result.NextShardIterator } : {}),
        ...(result.MillisBehindLatest === undefined ? {} : { millisBehindLatest: result.MillisBehindLatest }),
      };
    },
  };
}

function iteratorType(position: ShardPosition) {
  switch (position.kind) {
    case 'AFTER_SEQUENCE_NUMBER':
      return { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, StartingSequenceNumber: position.sequenceNumber };
    case 'AT_TIMESTAMP':
      return { ShardIteratorType: 'AT_TIMESTAMP' as const, Timestamp: position.timestamp };
    case 'LATEST':
      return { ShardIteratorType: 'LATEST' as const };
    case 'TRIM_HORIZON':
      return { ShardIteratorType: 'TRIM_HORIZON' as const };
  }
}

/** The stream's ARN, from its name or ARN, once the stream exists and is readable. */
export async function resolveKinesisStream(client: Pick<KinesisClient, 'send'>, stream: string, signal: AbortSignal): Promise<string> {
  const input = stream.startsWith('arn:') ? { StreamARN: stream } : { StreamName: stream };
  try {
    const summary = await client.send(new DescribeStreamSummaryCommand(input), { abortSignal: signal });
    const description = summary.StreamDescriptionSummary;
    if (!description?.StreamARN) throw new Error('no stream description returned');
    if (description.StreamStatus === 'CREATING') {
      throw Object.assign(new Error(`stream ${stream} is still being created`), { name: 'ResourceInUseException' });
    }
    return description.StreamARN;
  } catch (err) {
    throw toStreamError(err, `DescribeStreamSummary ${stream}`);
  }
}
