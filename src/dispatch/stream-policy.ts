import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { PipelineRecord } from '../records.js';
import type { DestinationSender } from './destinations.js';
import { streamFailureRecord, type StreamDiscardCondition } from './failure-records.js';
import { FailureReason, type BatchOutcome } from './invoke-batch.js';

export interface StreamPolicy {
  /** -1 = retry until the records expire. */
  readonly maximumRetryAttempts: number;
  /** -1 = no age limit. */
  readonly maximumRecordAgeInSeconds: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly onFailureDestination?: string;
}

export interface StreamBatchDeps {
  readonly source: 'kinesis' | 'dynamodb';
  readonly policy: StreamPolicy;
  readonly functionArn: string;
  readonly streamArn: string;
  readonly shardId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sendToDestination: DestinationSender;
  /** Invokes the function with these records. */
  readonly invoke: (records: readonly PipelineRecord[], signal: AbortSignal) => Promise<BatchOutcome>;
  /** Called, in shard order, for records that are finished: processed, or discarded and why. */
  readonly onDone: (records: readonly PipelineRecord[], how: 'processed' | StreamDiscardCondition) => void;
  /** Delay before retrying a failed batch (ms), by retry number (1-based). */
  readonly retryDelayMs?: (attempt: number) => number;
  /**
   * Ends the batch between attempts, leaving what is not done undone: the shard consumer has
   * faulted (a lost lease, a read that cannot be retried), so nothing more will be checkpointed,
   * and the lease's next owner processes those records again. Without it, a batch that fails
   * forever (`maximumRetryAttempts` -1) would keep a faulted consumer from ever reporting.
   */
  readonly giveUp?: AbortSignal;
}

/** A part of a batch still to process, with the function errors it has had so far. */
interface Pending {
  records: readonly PipelineRecord[];
  retries: number;
  invocations: number;
  lastOutcome?: BatchOutcome;
}

const defaultRetryDelay = (attempt: number): number => Math.min(100 * 2 ** (attempt - 1), 5_000);

/**
 * Waits `ms` before a retry. Rejects when `signal` aborts (the grace period is over); resolves
 * false, early, when `giveUp` aborts (see `StreamBatchDeps.giveUp`), true otherwise.
 */
export async function pauseBeforeRetry(clock: Clock, ms: number, signal: AbortSignal, giveUp: AbortSignal | undefined): Promise<boolean> {
  if (giveUp === undefined) {
    await clock.sleep(ms, signal);
    return true;
  }
  if (giveUp.aborted) return false;
  try {
    await clock.sleep(ms, AbortSignal.any([signal, giveUp]));
  } catch (err) {
    signal.throwIfAborted();
    if (giveUp.aborted) return false;
    throw err;
  }
  return true;
}

/**
 * Processes one stream batch to the end, as Lambda's stream event source mappings do:
 * the shard's position is blocked (order kept) until every record of the batch has
 * succeeded or been discarded.
 *
 * - A function error retries the batch until it succeeds, `maximumRetryAttempts` is
 *   reached, or its oldest record is older than `maximumRecordAgeInSeconds`.
 * - `bisectBatchOnFunctionError` splits a failing batch in two and retries the halves;
 *   splitting does not count towards the retry quota.
 * - With ReportBatchItemFailures, records before the lowest reported failure are done and
 *   the batch is retried from that record (a retry). With bisect on too, that is the same:
 *   "the batch is bisected at the returned sequence number and Lambda retries only the
 *   remaining records".
 * - Errors before the function ran (throttles, unreachable invoker) are retried without
 *   counting, until the records expire by age.
 * - A discarded batch sends its metadata to the on-failure destination, then the shard moves on.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-errors.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
 */
export async function processStreamBatch(
  batch: readonly PipelineRecord[],
  deps: StreamBatchDeps,
  signal: AbortSignal,
): Promise<void> {
  const { policy, clock } = deps;
  const retryDelay = deps.retryDelayMs ?? defaultRetryDelay;
  const work: Pending[] = [{ records: batch, retries: 0, invocations: 0 }];
  let unpaidWaits = 0;
  const { giveUp } = deps;
  const beforeRetry = (ms: number): Promise<boolean> => pauseBeforeRetry(clock, ms, signal, giveUp);

  while (work.length > 0) {
    signal.throwIfAborted();
    if (giveUp?.aborted) return;
    const item = work[0] as Pending;
    const expired = expiredPrefix(item.records, policy, clock.now());
    if (expired > 0) {
      await discard({ ...item, records: item.records.slice(0, expired) }, 'RecordAgeExceeded');
      item.records = item.records.slice(expired);
      if (item.records.length === 0) work.shift();
      continue;
    }
    const outcome = await deps.invoke(item.records, signal);
    if (outcome.kind === 'failure' && outcome.reason === FailureReason.InvokerError) {
      // The function never saw the batch: not an invocation, and not a retry.
      item.lastOutcome ??= outcome;
      unpaidWaits += 1;
      deps.logger.warn({ records: item.records.length, reason: outcome.message, wait: unpaidWaits }, 'invoke failed before the function ran; retrying');
      if (!(await beforeRetry(retryDelay(unpaidWaits)))) return;
      continue;
    }
    item.invocations += 1;
    item.lastOutcome = outcome;
    unpaidWaits = 0;

    if (outcome.kind === 'success') {
      deps.onDone(item.records, 'processed');
      work.shift();
      continue;
    }

    if (outcome.kind === 'partial') {
      const firstFailed = outcome.failed[0];
      const cut = firstFailed === undefined ? item.records.length : item.records.indexOf(firstFailed);
      if (cut > 0) deps.onDone(item.records.slice(0, cut), 'processed');
      item.records = item.records.slice(cut);
      if (item.records.length === 0) {
        work.shift();
        continue;
      }
      item.retries += 1;
    } else if (
      item.records.length > 1 &&
      (outcome.reason === FailureReason.PayloadTooLarge || policy.bisectBatchOnFunctionError)
    ) {
      const half = Math.ceil(item.records.length / 2);
      const split = (records: readonly PipelineRecord[]): Pending => ({
        records,
        retries: item.retries,
        invocations: item.invocations,
        lastOutcome: outcome,
      });
      work.splice(0, 1, split(item.records.slice(0, half)), split(item.records.slice(half)));
      deps.logger.info({ records: item.records.length, reason: outcome.reason }, 'bisecting failed batch');
      continue;
    } else {
      item.retries += 1;
    }

    if (policy.maximumRetryAttempts !== -1 && item.retries > policy.maximumRetryAttempts) {
      await discard(item, 'RetryAttemptsExhausted');
      work.shift();
      continue;
    }
    deps.logger.warn(
      { records: item.records.length, retry: item.retries, outcome: outcome.kind, reason: outcome.kind === 'failure' ? outcome.message : undefined },
      'batch failed; retrying',
    );
    if (!(await beforeRetry(retryDelay(item.retries)))) return;
  }

  async function discard(item: Pending, condition: StreamDiscardCondition): Promise<void> {
    const destination = policy.onFailureDestination;
    const document = streamFailureRecord(item.records, {
      source: deps.source,
      functionArn: deps.functionArn,
      streamArn: deps.streamArn,
      shardId: deps.shardId,
      condition,
      approximateInvokeCount: item.invocations,
      ...(item.lastOutcome ? { lastOutcome: item.lastOutcome } : {}),
      now: new Date(clock.now()),
    });
    deps.logger.warn(
      { condition, records: item.records.length, destination: destination ?? null, batchInfo: document },
      destination ? 'discarding batch to on-failure destination' : 'discarding batch (no on-failure destination)',
    );
    if (destination) await deps.sendToDestination(destination, document, signal);
    deps.onDone(item.records, condition);
  }
}

/** How many leading records are older than `maximumRecordAgeInSeconds` (records are in arrival order). */
function expiredPrefix(records: readonly PipelineRecord[], policy: StreamPolicy, now: number): number {
  if (policy.maximumRecordAgeInSeconds === -1) return 0;
  const limit = policy.maximumRecordAgeInSeconds * 1000;
  let count = 0;
  while (count < records.length && now - (records[count] as PipelineRecord).arrivalTime > limit) count += 1;
  return count;
}
