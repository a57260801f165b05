import { MAX_INVOKE_PAYLOAD_BYTES } from '../../src/batching/payload.js';
import type { Clock } from '../../src/clock.js';
import type { Mapping } from '../../src/config/types.js';
import type { BatchOutcome } from '../../src/dispatch/invoke-batch.js';
import type { RecordFilter } from '../../src/filter/index.js';
import type { Logger } from '../../src/log.js';
import type { PipelineRecord } from '../../src/records.js';
import type { QueuePort } from './queue-port.js';

export interface QueueConsumerDeps {
  readonly mapping: Mapping;
  readonly queue: QueuePort;
  readonly filter: RecordFilter;
  readonly invoke: (records: readonly PipelineRecord[], signal: AbortSignal) => Promise<BatchOutcome>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Receive loops running at once. */
  readonly receivers?: number;
  readonly onProgress?: (event: QueueProgress) => void;
}

export type QueueProgress =
  | { readonly kind: 'received'; readonly records: number }
  | { readonly kind: 'filtered'; readonly records: number }
  | { readonly kind: 'deleted'; readonly records: number }
  | { readonly kind: 'failed'; readonly records: number };

/** ReceiveMessage returns at most 10 messages per call. */
const MAX_RECEIVE = 10;

/**
 * An SQS event source mapping's consumer: receive loops gather messages into batches
 * of up to `batchSize` within `maximumBatchingWindowInSeconds` and the 6 MB payload
 * limit, invoke the function, delete what succeeded, and leave what failed to the
 * queue (it reappears after the visibility timeout; the redrive policy moves it to
 * the DLQ after `maxReceiveCount`). Messages the filter rejects are deleted, as AWS does.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export async function runQueueConsumer(deps: QueueConsumerDeps, stop: AbortSignal, abort: AbortSignal): Promise<void> {
  const receivers = Math.max(1, deps.receivers ?? 1);
  await Promise.all(Array.from({ length: receivers }, (_, i) => receiveLoop(deps, i, stop, abort)));
}

async function receiveLoop(deps: QueueConsumerDeps, index: number, stop: AbortSignal, abort: AbortSignal): Promise<void> {
  const { mapping, queue, clock } = deps;
  const logger = index === 0 ? deps.logger : deps.logger.child({ receiver: index });
  const source = mapping.source.type === 'sqs' ? mapping.source : undefined;
  const waitTimeSeconds = source?.waitTimeSeconds ?? 20;
  const windowMs = mapping.maximumBatchingWindowInSeconds * 1000;
  let carry: PipelineRecord[] = [];

  while (!stop.aborted) {
    const batch = carry;
    carry = [];
    let bytes = payloadBytes(batch);
    const windowEnd = clock.now() + windowMs;
    while (batch.length < mapping.batchSize && !stop.aborted) {
      const remainingMs = windowEnd - clock.now();
      if (batch.length > 0 && remainingMs <= 0) break;
      const wait = batch.length === 0 ? waitTimeSeconds : Math.min(waitTimeSeconds, Math.ceil(remainingMs / 1000));
      let received: PipelineRecord[];
      try {
        received = await queue.receive(Math.min(MAX_RECEIVE, mapping.batchSize - batch.length), queue.finite ? 0 : wait, stop);
      } catch (err) {
        if (stop.aborted) break;
        throw err;
      }
      if (received.length > 0) deps.onProgress?.({ kind: 'received', records: received.length });
      for (const record of received) {
        if (bytes + record.sizeBytes + 1 > MAX_INVOKE_PAYLOAD_BYTES && batch.length > 0) {
          carry.push(record);
          continue;
        }
        batch.push(record);
        bytes += record.sizeBytes + 1;
      }
      if (carry.length > 0) break;
      if (received.length === 0 && queue.finite) break;
      if (windowMs === 0 && batch.length > 0) break;
    }
    if (batch.length === 0) {
      if (queue.finite) {
        if (queue.exhausted()) return;
        // Every remaining message is in flight in another receive loop.
        await clock.sleep(5, stop).catch(() => undefined);
      }
      continue;
    }
    if (stop.aborted) {
      await queue.release([...batch, ...carry], abort).catch((err: unknown) => logger.warn({ err }, 'release failed'));
      return;
    }
    await processBatch(deps, batch, logger, abort);
  }
  if (carry.length > 0) await queue.release(carry, abort).catch((err: unknown) => logger.warn({ err }, 'release failed'));
}

async function processBatch(deps: QueueConsumerDeps, batch: PipelineRecord[], logger: Logger, abort: AbortSignal): Promise<void> {
  const { queue } = deps;
  const matching = batch.filter((r) => deps.filter(r));
  if (matching.length < batch.length) {
    const rejected = batch.filter((r) => !matching.includes(r));
    deps.onProgress?.({ kind: 'filtered', records: rejected.length });
    await queue.delete(rejected, abort);
  }
  if (matching.length === 0) return;
  const outcome = await deps.invoke(matching, abort);
  let failed: readonly PipelineRecord[];
  switch (outcome.kind) {
    case 'success':
      failed = [];
      break;
    case 'partial':
      failed = outcome.failed;
      break;
    case 'failure':
      failed = matching;
      logger.warn({ records: matching.length, reason: outcome.reason, error: outcome.message }, 'batch failed; messages return after the visibility timeout');
      break;
  }
  const succeeded = failed.length === 0 ? matching : matching.filter((r) => !failed.includes(r));
  if (succeeded.length > 0) {
    await queue.delete(succeeded, abort);
    deps.onProgress?.({ kind: 'deleted', records: succeeded.length });
  }
  if (failed.length > 0) {
    deps.onProgress?.({ kind: 'failed', records: failed.length });
    await queue.settleFailed(failed, abort);
  }
}

function payloadBytes(records: readonly PipelineRecord[]): number {
  return records.reduce((n, r) => n + r.sizeBytes + 1, 14);
}
