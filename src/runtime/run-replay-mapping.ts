import type { Mapping } from '../config/types.js';
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
import { trackHeldMessages } from '../../pollers/sqs/held-messages.js';
import { runQueueConsumer } from '../../pollers/sqs/queue-consumer.js';
import { createAsyncDispatcher } from '../push/async-dispatcher.js';
import { countInvocation, type MappingStats } from './mapping-stats.js';
import { runStreamMapping } from './run-stream-mapping.js';
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
      await runStreamMapping(
        mapping,
        ctx,
        stats,
        createReplayShardReader({ source: source.type, streamArn, records }),
        logger,
        { capRetries: true, retryDelayMs: ctx.replay.retryDelayMs },
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
      // The same SQS gauges as a live queue; the age counts from the recorded `SentTimestamp`.
      const held = trackHeldMessages(queue, ctx.clock);
      stats.queue = held.holdings;
      // One receive loop, whatever the mapping's scaling settings: a replay's order is the file's.
      stats.receiveLoops = { active: 1 };
      await runQueueConsumer(
        {
          mapping,
          queue: held.queue,
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
      ).finally(() => {
        held.clear();
        stats.receiveLoops = undefined;
      });
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
      const dispatcher = createAsyncDispatcher(mapping, ctx, stats, { invoker, logger, retryDelayMs: ctx.replay.retryDelayMs });
      for (const event of events) {
        if (stop.aborted) break;
        await dispatcher.dispatch(event, ctx.clock.now(), abort);
      }
      return;
    }
    case 'schedule':
      throw new Error(`mapping "${mapping.name}": schedule sources cannot be replayed`);
  }
}
