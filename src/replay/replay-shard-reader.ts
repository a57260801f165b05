import type { ShardReader, StreamShard } from '../../pollers/streams/shard-reader.js';
import { SluiceError } from '../errors.js';
import type { PipelineRecord } from '../records.js';

/**
 * A finite `ShardReader` over recorded records, so a replay file goes through the
 * same shard engine as a live stream: each `ShardId` is a shard, read in file order,
 * and ends (SHARD_END) after its last record.
 */
export function createReplayShardReader(options: {
  readonly source: 'kinesis' | 'dynamodb';
  readonly streamArn: string;
  readonly records: readonly PipelineRecord[];
  /** Records returned per read; default as the live service (Kinesis 10,000, DynamoDB 1,000). */
  readonly maxRecordsPerRead?: number;
}): ShardReader {
  const shards = new Map<string, PipelineRecord[]>();
  for (const record of options.records) {
    const shardId = record.shardId ?? 'shardId-000000000000';
    let list = shards.get(shardId);
    if (!list) shards.set(shardId, (list = []));
    list.push(record);
  }
  const maxRecordsPerRead = options.maxRecordsPerRead ?? (options.source === 'kinesis' ? 10_000 : 1_000);

  function recordsOf(shardId: string): PipelineRecord[] {
    const list = shards.get(shardId);
    if (!list) throw new SluiceError('ResourceNotFound', `replay has no shard ${shardId}`);
    return list;
  }

  return {
    source: options.source,
    streamArn: options.streamArn,
    maxRecordsPerRead,
    pollIntervalMs: 0,
    finite: true,
    async listShards(): Promise<readonly StreamShard[]> {
      return [...shards.keys()].map((shardId) => ({ shardId, parentShardIds: [] }));
    },
    async getIterator(shardId, position) {
      const list = recordsOf(shardId);
      let index = 0;
      switch (position.kind) {
        case 'TRIM_HORIZON':
          break;
        case 'LATEST':
          // A replay is recorded history: LATEST would skip all of it, so it is read from the start.
          break;
        case 'AT_TIMESTAMP':
          index = list.findIndex((r) => r.arrivalTime >= position.timestamp.getTime());
          if (index === -1) index = list.length;
          break;
        case 'AFTER_SEQUENCE_NUMBER': {
          // Just after the checkpointed record; if the file no longer has it, after every
          // record with a sequence number not above it (never from the start again).
          const exact = list.findIndex((r) => r.sequenceNumber === position.sequenceNumber);
          const after = list.findIndex((r) => compareSequenceNumbers(r.sequenceNumber ?? r.itemIdentifier, position.sequenceNumber) > 0);
          index = exact !== -1 ? exact + 1 : after === -1 ? list.length : after;
          break;
        }
      }
      return `${shardId}#${index}`;
    },
    async getRecords(shardId, iterator, limit) {
      const list = recordsOf(shardId);
      const index = Number(iterator.slice(iterator.lastIndexOf('#') + 1));
      const end = Math.min(list.length, index + Math.min(limit, maxRecordsPerRead));
      const records = list.slice(index, end);
      return end >= list.length
        ? { records, millisBehindLatest: 0 }
        : { records, nextIterator: `${shardId}#${end}`, millisBehindLatest: 1 };
    },
  };
}

/** Orders sequence numbers (decimal strings of any length) numerically. */
export function compareSequenceNumbers(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
