import type { PipelineRecord } from '../records.js';

type Json = Record<string, unknown>;

/**
 * The replay-file line for a record, in the shape the AWS API returns it (the inverse of
 * the normalizers) for stream records: what `sluice record` writes and `replay:` reads back.
 */
export function toReplayLine(record: PipelineRecord): Json {
  const e = record.event as Json;
  switch (record.source) {
    case 'kinesis': {
      const k = e['kinesis'] as Json;
      return {
        ShardId: record.shardId,
        SequenceNumber: k['sequenceNumber'],
        ApproximateArrivalTimestamp: k['approximateArrivalTimestamp'],
        Data: k['data'],
        PartitionKey: k['partitionKey'],
      };
    }
    case 'dynamodb': {
      const line: Json = { ShardId: record.shardId };
      for (const key of ['eventID', 'eventName', 'eventVersion', 'eventSource', 'awsRegion', 'dynamodb']) line[key] = e[key];
      const identity = e['userIdentity'] as Json | undefined;
      if (identity) line['userIdentity'] = { PrincipalId: identity['principalId'], Type: identity['type'] };
      return line;
    }
    default:
      return e;
  }
}
