/**
 * One SQS batch, from filter to settlement: messages the filter rejects are deleted, as AWS
 * does; the rest go to the function (one batch per FIFO message group at a time); what
 * succeeded is deleted, and what failed is left to reappear after the visibility timeout.
 * Settling runs in the background, so the receive loop goes on while deletes finish.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html
 */
import type { BatchOutcome } from '../../src/dispatch/invoke-batch.js';
import type { RecordFilter } from '../../src/filter/index.js';
import type { Logger } from '../../src/log.js';
import type { PipelineRecord } from '../../src/records.js';
import { fifoFailures } from './fifo-failures.js';
import { holdGroups } from './fifo-groups.js';
import type { QueuePort } from './queue-port.js';

export type QueueProgress =
  | { readonly kind: 'received'; readonly records: number }
  | { readonly kind: 'filtered'; readonly records: number }
  | { readonly kind: 'deleted'; readonly records: number }
  | { readonly kind: 'failed'; readonly records: number }
  | { readonly kind: 'released'; readonly records: number };

/** What processing a batch needs of the consumer's dependencies. */
export interface BatchDeps {
  readonly queue: QueuePort;
  readonly filter: RecordFilter;
  readonly invoke: (records: readonly PipelineRecord[], signal: AbortSignal) => Promise<BatchOutcome>;
  readonly onProgress?: (event: QueueProgress) => void;
}

export interface BatchContext {
  readonly deps: BatchDeps;
  /** Interrupts the invocation (the grace period is over). */
  readonly abort: AbortSignal;
  /** Deletes and releases: aborted a little after `abort`, so processed messages still get deleted. */
  readonly settleSignal: AbortSignal;
  /** FIFO: the message groups with a batch being invoked, and when that invocation ends. */
  readonly groupsInFlight: Map<string, Promise<void>>;
}

export interface ProcessedBatch {
  /** FIFO message groups with a failed message in the batch. */
  readonly failedGroups: ReadonlySet<string>;
  /** Deletes (successes, filtered messages) and failure settlement; never rejects. */
  readonly settled: Promise<void>;
}

/** Invokes the function with one batch and starts settling it. */
export async function processBatch(ctx: BatchContext, batch: readonly PipelineRecord[], logger: Logger): Promise<ProcessedBatch> {
  const { deps, abort, settleSignal } = ctx;
  const { queue } = deps;
  const matching = batch.filter((r) => deps.filter(r));
  let filtered: Promise<void> = Promise.resolve();
  if (matching.length < batch.length) {
    const kept = new Set(matching);
    const rejected = batch.filter((r) => !kept.has(r));
    deps.onProgress?.({ kind: 'filtered', records: rejected.length });
    filtered = settle(logger, 'delete of filtered messages', () => queue.delete(rejected, settleSignal));
  }
  if (matching.length === 0) return { failedGroups: new Set(), settled: filtered };
  let outcome: BatchOutcome;
  const releaseGroups = queue.fifo ? await holdGroups(ctx.groupsInFlight, matching) : undefined;
  try {
    outcome = await deps.invoke(matching, abort);
  } catch (err) {
    releaseGroups?.();
    // Interrupted (the grace period is over): the messages go back to the queue now.
    if (abort.aborted) {
      await queue.release(matching, settleSignal).then(
        () => deps.onProgress?.({ kind: 'released', records: matching.length }),
        () => undefined,
      );
    }
    await filtered;
    throw err;
  }
  releaseGroups?.();
  let failed: readonly PipelineRecord[];
  switch (outcome.kind) {
    case 'success':
      failed = [];
      break;
    case 'partial': {
      if (queue.fifo) {
        const fifo = fifoFailures(matching, outcome.failed);
        if (fifo.added.length > 0) {
          logger.warn(
            { added: fifo.added.length, groups: [...fifo.groups] },
            'FIFO batch: the function reported messages after a failure of their group as processed; they are kept failed to keep the group in order (on AWS they would have been deleted out of order)',
          );
        }
        failed = fifo.failed;
      } else {
        failed = outcome.failed;
      }
      break;
    }
    case 'failure':
      failed = matching;
      logger.warn({ records: matching.length, reason: outcome.reason, error: outcome.message }, 'batch failed; messages return after the visibility timeout');
      break;
  }
  const failedSet = new Set(failed);
  const succeeded = matching.filter((r) => !failedSet.has(r));
  const deleted =
    succeeded.length === 0
      ? Promise.resolve()
      : settle(logger, 'delete of processed messages', async () => {
          await queue.delete(succeeded, settleSignal);
          deps.onProgress?.({ kind: 'deleted', records: succeeded.length });
        });
  const failedSettled =
    failed.length === 0
      ? Promise.resolve()
      : deleted.then(() => {
          deps.onProgress?.({ kind: 'failed', records: failed.length });
          return settle(logger, 'settling failed messages', () => queue.settleFailed(failed, settleSignal));
        });
  const settled = Promise.all([filtered, deleted, failedSettled]).then(() => undefined);
  if (!queue.fifo || failed.length === 0) return { failedGroups: new Set(), settled };
  return { failedGroups: new Set(failed.flatMap((r) => (r.orderingKey === undefined ? [] : [r.orderingKey]))), settled };
}

/**
 * Runs a delete or visibility change. A failure (retries exhausted, or the grace period over)
 * is logged, not thrown: the messages are received again, which is at-least-once delivery.
 */
export async function settle(logger: Logger, what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    logger.warn({ err }, `${what} failed; the messages will be received again`);
  }
}
