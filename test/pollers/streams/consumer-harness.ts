import type { ShardConsumerDeps, ShardProgress } from '../../../pollers/streams/shard-consumer.js';
import type { ReadResult, ShardPosition, ShardReader, StreamShard } from '../../../pollers/streams/shard-reader.js';
import type { Mapping } from '../../../src/config/types.js';
import { createMemoryDestinationSender } from '../../../src/dispatch/destinations.js';
import type { BatchOutcome } from '../../../src/dispatch/invoke-batch.js';
import { silentLogger } from '../../../src/log.js';
import type { PipelineRecord } from '../../../src/records.js';
import type { CheckpointStore, Lease } from '../../../src/state/checkpoint-store.js';
import type { FakeClock } from '../../support/fake-clock.js';
import { SHARD_ID, STREAM_ARN } from '../../support/records.js';

export const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:fn';

/** A live-like shard the test feeds: reads return what was pushed since, until `end()`. */
export function createPushShardReader(options: { pollIntervalMs?: number; shardId?: string } = {}): ShardReader & {
  push(records: readonly PipelineRecord[]): void;
  end(): void;
  readonly reads: number;
} {
  const shardId = options.shardId ?? SHARD_ID;
  const records: PipelineRecord[] = [];
  let ended = false;
  let reads = 0;
  return {
    source: 'kinesis',
    streamArn: STREAM_ARN,
    maxRecordsPerRead: 10_000,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    finite: false,
    async listShards(): Promise<readonly StreamShard[]> {
      return [{ shardId, parentShardIds: [] }];
    },
    async getIterator(_shardId: string, position: ShardPosition) {
      if (position.kind === 'AFTER_SEQUENCE_NUMBER') {
        return String(records.findIndex((r) => r.sequenceNumber === position.sequenceNumber) + 1);
      }
      return '0';
    },
    async getRecords(_shardId: string, iterator: string, limit: number): Promise<ReadResult> {
      reads += 1;
      const index = Number(iterator);
      const batch = records.slice(index, index + limit);
      const next = index + batch.length;
      if (ended && next >= records.length) return { records: batch, millisBehindLatest: 0 };
      return { records: batch, nextIterator: String(next), millisBehindLatest: next >= records.length ? 0 : 1 };
    },
    push(more) {
      records.push(...more);
    },
    end() {
      ended = true;
    },
    get reads() {
      return reads;
    },
  };
}

export interface ConsumerSetup {
  readonly deps: ShardConsumerDeps;
  readonly progress: ShardProgress[];
  /** Checkpoints written, in order. */
  readonly checkpoints: () => string[];
  readonly sent: { destination: string; document: unknown }[];
}

export function consumerDeps(options: {
  readonly mapping: Mapping;
  readonly reader: ShardReader;
  readonly store: CheckpointStore;
  readonly lease: Lease;
  readonly clock: FakeClock;
  readonly invoke: (records: readonly PipelineRecord[], signal: AbortSignal) => Promise<BatchOutcome>;
  readonly start?: ShardPosition;
  readonly filter?: (record: PipelineRecord) => boolean;
  readonly retryDelayMs?: (attempt: number) => number;
}): ConsumerSetup {
  const progress: ShardProgress[] = [];
  const memory = createMemoryDestinationSender();
  const { mapping } = options;
  const deps: ShardConsumerDeps = {
    mapping,
    reader: options.reader,
    shardId: options.lease.key.shardId,
    start: options.start ?? { kind: 'TRIM_HORIZON' },
    store: options.store,
    lease: options.lease,
    filter: options.filter ?? (() => true),
    invoke: options.invoke,
    batch: {
      source: options.reader.source,
      streamArn: options.reader.streamArn,
      policy: {
        maximumRetryAttempts: mapping.maximumRetryAttempts,
        maximumRecordAgeInSeconds: mapping.maximumRecordAgeInSeconds,
        bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
      },
      functionArn: FUNCTION_ARN,
      sendToDestination: memory.send,
    },
    clock: options.clock,
    logger: silentLogger,
    onProgress: (event) => progress.push(event),
    ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
  };
  return {
    deps,
    progress,
    checkpoints: () => progress.flatMap((p) => (p.kind === 'checkpoint' ? [p.sequenceNumber] : [])),
    sent: memory.sent,
  };
}

/** A promise with its resolve function, for gating a fake function. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
