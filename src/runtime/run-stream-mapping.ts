import type { Mapping } from '../config/types.js';
import { functionArn } from '../dispatch/failure-records.js';
import { invokeBatch, type InvocationReport } from '../dispatch/invoke-batch.js';
import { compileFilterCriteria } from '../filter/index.js';
import type { DestinationSender } from '../dispatch/destinations.js';
import type { Logger } from '../log.js';
import { labelsOf } from '../ops/instrument-context.js';
import { runStreamEngine } from '../../pollers/streams/stream-engine.js';
import type { ShardReader } from '../../pollers/streams/shard-reader.js';
import { countInvocation, shardCounts, type MappingStats } from './mapping-stats.js';
import { invokerOf, type RuntimeContext } from './runtime-context.js';

export interface StreamRunOptions {
  /**
   * Replays must end: where the mapping retries forever, give up after the replay's
   * attempt limit and count those records as abandoned.
   */
  readonly capRetries: boolean;
  readonly retryDelayMs?: (retry: number) => number;
}

/** Runs a Kinesis or DynamoDB Streams mapping over any shard reader (live or replayed). */
export async function runStreamMapping(
  mapping: Mapping,
  ctx: RuntimeContext,
  stats: MappingStats,
  reader: ShardReader,
  logger: Logger,
  options: StreamRunOptions,
  stop: AbortSignal,
  abort: AbortSignal,
): Promise<void> {
  const invoker = invokerOf(ctx, mapping);
  const reportBatchItemFailures = mapping.functionResponseTypes.includes('ReportBatchItemFailures');
  const capped = options.capRetries && mapping.maximumRetryAttempts === -1;
  const labels = labelsOf(mapping);
  const observe = (report: InvocationReport): void => {
    countInvocation(stats, report);
    ctx.observe?.(report);
  };
  await runStreamEngine(
    {
      mapping,
      reader,
      store: ctx.checkpoints,
      filter: compileFilterCriteria(mapping.filterCriteria, mapping.source.type),
      invoke: (batch, signal, shardId, extra) =>
        invokeBatch({ mapping: mapping.name, invoker, reportBatchItemFailures, logger, observe, shardId }, batch, {
          signal,
          ...(extra ? { extra } : {}),
        }),
      batch: {
        policy: {
          maximumRetryAttempts: capped ? ctx.replay.maxAttempts - 1 : mapping.maximumRetryAttempts,
          maximumRecordAgeInSeconds: mapping.maximumRecordAgeInSeconds,
          bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
          ...(mapping.destinationConfig.onFailure ? { onFailureDestination: mapping.destinationConfig.onFailure.destination } : {}),
        },
        functionArn: functionArn(ctx.config.region, ctx.config.account, mapping.function),
        // A replay's own give-up is not AWS's RetryAttemptsExhausted (AWS would still be retrying):
        // abandoned records are reported, never sent to the on-failure destination.
        sendToDestination: capped ? skipRetryExhausted(ctx.sendToDestination) : ctx.sendToDestination,
      },
      clock: ctx.clock,
      logger,
      ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
      onProgress: (shard, event) => {
        if (event.kind === 'read') {
          stats.records += event.records;
          shardCounts(stats, shard).read += event.records;
          ctx.metrics?.shardProgress(labels, shard, event);
        }
        if (event.kind === 'filtered') {
          stats.filtered += event.records;
          const counts = shardCounts(stats, shard);
          counts.filtered += event.records;
          counts.finished += event.records;
        }
        if (event.kind !== 'done') return;
        shardCounts(stats, shard).finished += event.records;
        if (event.how === 'processed') stats.processed += event.records;
        else if (capped && event.how === 'RetryAttemptsExhausted') stats.abandoned += event.records;
        else stats.discarded += event.records;
      },
    },
    stop,
    abort,
  );
}

function skipRetryExhausted(send: DestinationSender): DestinationSender {
  return async (destination, document, signal) => {
    const condition = (document as { requestContext?: { condition?: unknown } }).requestContext?.condition;
    if (condition === 'RetryAttemptsExhausted') return;
    await send(destination, document, signal);
  };
}
