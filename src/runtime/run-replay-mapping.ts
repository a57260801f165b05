import type { Mapping } from '../config/types.js';
import { invokeAsync } from '../dispatch/async-policy.js';
import { functionArn } from '../dispatch/failure-records.js';
import { invokeBatch } from '../dispatch/invoke-batch.js';
import { kinesisStreamArn } from '../events/arn.js';
import { dynamodbPipelineRecord, kinesisPipelineRecord, sqsPipelineRecord } from '../events/pipeline.js';
import { parseS3Notification } from '../events/s3.js';
import { parseSnsHttpMessage, snsRecord } from '../events/sns.js';
import { sqsQueueArn } from '../events/sqs.js';
import { compileFilterCriteria } from '../filter/index.js';
import type { PipelineRecord } from '../records.js';
import { readReplayFile, type ReplayFile } from '../replay/replay-file.js';
import { createReplayQueue } from '../replay/replay-queue.js';
import { createReplayShardReader } from '../replay/replay-shard-reader.js';
import { toKinesisRecord, toSqsMessage, toStreamRecord } from '../replay/sdk-shapes.js';
import { runQueueConsumer } from '../../pollers/sqs/queue-consumer.js';
import { runStreamEngine } from '../../pollers/streams/stream-engine.js';
import type { InvocationReport } from '../dispatch/invoke-batch.js';
import type { InvokeResult } from '../invokers/invoker.js';
import { countInvocation, type MappingStats } from './mapping-stats.js';
import { invokerOf, type RuntimeContext } from './runtime-context.js';

/**
 * Runs one mapping whose source has `replay: FILE` to completion: the recorded
 * records take the place of the live reads, and everything after (filtering,
 * batching, normalization, invocation, failure handling) is the live code.
 */
export async function runReplayMapping(
  mapping: Mapping,
  ctx: RuntimeContext,
  stats: MappingStats,
  stop: AbortSignal,
  abort: AbortSignal,
  file: string,
): Promise<void> {
  const { config } = ctx;
  const logger = ctx.logger.child({ mapping: mapping.name });
  const invoker = invokerOf(ctx, mapping);
  const filter = compileFilterCriteria(mapping.filterCriteria, mapping.source.type);
  const reportBatchItemFailures = mapping.functionResponseTypes.includes('ReportBatchItemFailures');
  const observeInto = (report: Parameters<NonNullable<RuntimeContext['observe']>>[0]): void => {
    countInvocation(stats, report);
    ctx.observe?.(report);
  };
  const fnArn = functionArn(config.region, config.account, mapping.function);
  const noteProblems = (parsed: ReplayFile<unknown>): void => {
    for (const problem of parsed.problems) {
      logger.error({ file: problem.file, line: problem.line }, `malformed replay line: ${problem.message}`);
    }
    stats.malformed.push(...parsed.problems);
  };

  const source = mapping.source;
  switch (source.type) {
    case 'kinesis':
    case 'dynamodb': {
      const streamArn =
        source.type === 'kinesis'
          ? kinesisStreamArn(source.stream, config.region, config.account)
          : (source.streamArn ?? `arn:aws:dynamodb:${config.region}:${config.account}:table/${source.table ?? 'replay'}/stream/replay`);
      const records: PipelineRecord[] = [];
      if (source.type === 'kinesis') {
        const parsed = await readReplayFile(file, toKinesisRecord);
        noteProblems(parsed);
        const invokeIdentityArn = `arn:aws:iam::${config.account}:role/sluice`;
        for (const { value } of parsed.lines) {
          records.push(
            kinesisPipelineRecord(value.record, { shardId: value.shardId, streamArn, region: config.region, invokeIdentityArn }),
          );
        }
      } else {
        const parsed = await readReplayFile(file, toStreamRecord);
        noteProblems(parsed);
        for (const { value } of parsed.lines) {
          records.push(
            dynamodbPipelineRecord(value.record, { shardId: value.shardId, streamArn, region: config.region, receivedAt: ctx.clock.now() }),
          );
        }
      }
      stats.records += records.length;
      const capped = mapping.maximumRetryAttempts === -1;
      const policy = {
        maximumRetryAttempts: capped ? ctx.replay.maxAttempts - 1 : mapping.maximumRetryAttempts,
        maximumRecordAgeInSeconds: mapping.maximumRecordAgeInSeconds,
        bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
        ...(mapping.destinationConfig.onFailure ? { onFailureDestination: mapping.destinationConfig.onFailure.destination } : {}),
      };
      await runStreamEngine(
        {
          mapping,
          reader: createReplayShardReader({ source: source.type, streamArn, records }),
          store: ctx.checkpoints,
          filter,
          invoke: (batch, signal, shardId) =>
            invokeBatch(
              { mapping: mapping.name, invoker, reportBatchItemFailures, logger, observe: observeInto, shardId },
              batch,
              { signal },
            ),
          batch: { policy, functionArn: fnArn, sendToDestination: ctx.sendToDestination },
          clock: ctx.clock,
          logger,
          retryDelayMs: ctx.replay.retryDelayMs,
          onProgress: (_shard, event) => {
            if (event.kind === 'filtered') stats.filtered += event.records;
            if (event.kind !== 'done') return;
            if (event.how === 'processed') stats.processed += event.records;
            else if (capped && event.how === 'RetryAttemptsExhausted') stats.abandoned += event.records;
            else stats.discarded += event.records;
          },
        },
        stop,
        abort,
      );
      return;
    }
    case 'sqs': {
      const queueArn = sqsQueueArn(source.queue, config.region, config.account);
      const parsed = await readReplayFile(file, toSqsMessage);
      noteProblems(parsed);
      const messages = parsed.lines.map((l) => l.value);
      stats.records += messages.length;
      const now = ctx.clock.now();
      const queue = createReplayQueue({
        queueArn,
        fifo: queueArn.endsWith('.fifo'),
        messages: messages.length,
        ...(source.maxReceiveCount === undefined ? {} : { maxReceiveCount: source.maxReceiveCount }),
        maxAttempts: ctx.replay.maxAttempts,
        receiveAs: (index, receiveCount) => {
          const message = messages[index] as (typeof messages)[number];
          const attributes = {
            SentTimestamp: String(now),
            SenderId: config.account,
            ApproximateFirstReceiveTimestamp: String(now),
            ...message.Attributes,
            ApproximateReceiveCount: String(receiveCount),
          };
          return sqsPipelineRecord({ ...message, Attributes: attributes }, { queueArn, region: config.region });
        },
      });
      await runQueueConsumer(
        {
          mapping,
          queue,
          filter,
          invoke: (batch, signal) =>
            invokeBatch({ mapping: mapping.name, invoker, reportBatchItemFailures, logger, observe: observeInto }, batch, { signal }),
          clock: ctx.clock,
          logger,
          onProgress: (event) => {
            if (event.kind === 'filtered') stats.filtered += event.records;
            if (event.kind === 'deleted') stats.processed += event.records;
          },
        },
        stop,
        abort,
      );
      stats.deadLettered += queue.stats.deadLettered.length;
      stats.abandoned += queue.stats.abandoned.length;
      for (const record of queue.stats.abandoned) {
        logger.error({ messageId: record.itemIdentifier }, 'replay gave up on a message that kept failing (no maxReceiveCount to dead-letter it)');
      }
      return;
    }
    case 's3':
    case 'sns': {
      const events: unknown[] = [];
      if (source.type === 's3') {
        const parsed = await readReplayFile(file, (v) => parseS3Notification(v));
        noteProblems(parsed);
        for (const { value } of parsed.lines) if (!('testEvent' in value)) events.push({ Records: value });
      } else {
        const subscriptionArn = `${source.topic.startsWith('arn:') ? source.topic : `arn:aws:sns:${config.region}:${config.account}:${source.topic}`}:replay`;
        const parsed = await readReplayFile(file, (v) => {
          const message = parseSnsHttpMessage(v);
          if (message.Type !== 'Notification') throw new Error(`only Notification messages can be replayed, got ${message.Type}`);
          return message;
        });
        noteProblems(parsed);
        for (const { value } of parsed.lines) events.push({ Records: [snsRecord(value, { subscriptionArn })] });
      }
      stats.records += events.length;
      const policy = {
        maximumRetryAttempts: mapping.maximumRetryAttempts,
        maximumEventAgeInSeconds: mapping.maximumEventAgeInSeconds,
        ...(mapping.destinationConfig.onFailure ? { onFailureDestination: mapping.destinationConfig.onFailure.destination } : {}),
        ...(mapping.destinationConfig.onSuccess ? { onSuccessDestination: mapping.destinationConfig.onSuccess.destination } : {}),
      };
      for (const event of events) {
        if (stop.aborted) break;
        const received = ctx.clock.now();
        const outcome = await invokeAsync(
          event,
          received,
          {
            invoker,
            policy,
            functionArn: fnArn,
            clock: ctx.clock,
            logger,
            sendToDestination: ctx.sendToDestination,
            retryDelayMs: ctx.replay.retryDelayMs,
            observe: (ev, result, error) => {
              const report = asyncReport(mapping.name, ev, result, error);
              countInvocation(stats, report);
              ctx.observe?.(report);
            },
          },
          abort,
        );
        if (outcome.kind === 'success') stats.processed += 1;
        else stats.discarded += 1;
      }
      return;
    }
    case 'schedule':
      throw new Error(`mapping "${mapping.name}": schedule sources cannot be replayed`);
  }
}

/** An asynchronous invocation, reported in the same shape as a batch's. */
function asyncReport(mapping: string, event: unknown, result: InvokeResult | undefined, error: unknown): InvocationReport {
  const base = { mapping, event, records: [], durationMs: result?.durationMs ?? 0 };
  if (result === undefined) {
    return { ...base, outcome: { kind: 'failure', reason: 'InvokerError', message: String(error), requestId: '' } };
  }
  if (result.status === 'success') {
    return { ...base, response: result.payload, outcome: { kind: 'success', response: result.payload, requestId: result.requestId } };
  }
  return {
    ...base,
    error: result.error,
    outcome: {
      kind: 'failure',
      reason: 'FunctionError',
      message: `${result.error.errorType}: ${result.error.errorMessage}`,
      requestId: result.requestId,
      functionError: result.functionError,
      error: result.error,
    },
  };
}
