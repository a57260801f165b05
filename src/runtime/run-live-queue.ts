import { SQSClient } from '@aws-sdk/client-sqs';
import { asRecordReader, readerClientConfig } from '../aws/client-config.js';
import type { Mapping, SqsSource } from '../config/types.js';
import { invokeBatch, type InvocationReport } from '../dispatch/invoke-batch.js';
import { compileFilterCriteria } from '../filter/index.js';
import type { Logger } from '../log.js';
import { runQueueConsumer } from '../../pollers/sqs/queue-consumer.js';
import { createReceiverScaling, receiverScalingSettings } from '../../pollers/sqs/receiver-scaling.js';
import { resolveQueueInfo, type SqsQueueInfo } from '../../pollers/sqs/resolve-queue.js';
import { createSqsQueue } from '../../pollers/sqs/sqs-queue.js';
import { trackHeldMessages } from '../../pollers/sqs/held-messages.js';
import { countInvocation, type MappingStats } from './mapping-stats.js';
import { invokerOf, type RuntimeContext } from './runtime-context.js';
import { waitFor } from './wait-for.js';

/** AWS's recommendation: a queue visibility timeout of at least six times the function timeout. */
const RECOMMENDED_VISIBILITY_FACTOR = 6;

/**
 * Runs an SQS mapping against the live queue until `stop`: waits for the queue to exist
 * (LocalStack may still be starting), warns about a visibility timeout too short for the
 * function, then runs the queue consumer with receive loops scaled with the backlog (standard
 * or provisioned mode: see `receiverScalingSettings`).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
export async function runLiveQueue(
  mapping: Mapping & { readonly source: SqsSource },
  ctx: RuntimeContext,
  stats: MappingStats,
  stop: AbortSignal,
  abort: AbortSignal,
  env: NodeJS.ProcessEnv = ctx.env ?? process.env,
): Promise<void> {
  const logger = ctx.logger.child({ mapping: mapping.name });
  const { config } = ctx;
  const source = mapping.source;
  // Bodies are not re-hashed on receive: the records carry SQS's own MD5OfBody, and the poller's CPU goes to messages.
  const client = asRecordReader(new SQSClient({ ...readerClientConfig('sqs', config, env), md5: false }));
  try {
    let info: SqsQueueInfo;
    try {
      info = await waitFor(`queue ${source.queue}`, () => resolveQueueInfo(client, source.queue, config, stop), logger, stop, ctx.onWait);
    } catch (err) {
      if (stop.aborted) return;
      throw err;
    }
    const scaling = receiverScalingSettings(mapping);
    logger.info(
      {
        queueUrl: info.queueUrl,
        fifo: info.fifo,
        visibilityTimeout: info.visibilityTimeoutSeconds,
        maxReceiveCount: info.maxReceiveCount,
        maximumConcurrency: scaling.maximumConcurrency,
        ...(mapping.provisionedPollerConfig === undefined ? {} : { provisionedPollers: mapping.provisionedPollerConfig }),
      },
      'SQS queue found',
    );
    warnAboutVisibilityTimeout(info, config.functions[mapping.function]?.timeout, logger);
    const held = trackHeldMessages(
      createSqsQueue({
        client,
        queueUrl: info.queueUrl,
        queueArn: info.queueArn,
        region: info.queueArn.split(':')[3] || config.region,
        logger,
        fifo: info.fifo,
        visibilityTimeoutSeconds: info.visibilityTimeoutSeconds,
        // A queue gone or unreachable while consumed is waited for, as at start (status, /readyz).
        onFailing: (failing) => ctx.onWait?.(failing ? `queue ${source.queue}` : undefined),
      }),
      ctx.clock,
    );
    stats.queue = held.holdings;
    const receivers = createReceiverScaling({ ...scaling, logger, clock: ctx.clock });
    stats.receiveLoops = receivers;
    const invoker = invokerOf(ctx, mapping);
    const reportBatchItemFailures = mapping.functionResponseTypes.includes('ReportBatchItemFailures');
    const observe = (report: InvocationReport): void => {
      countInvocation(stats, report);
      ctx.observe?.(report);
    };
    await runQueueConsumer(
      {
        mapping,
        queue: held.queue,
        filter: compileFilterCriteria(mapping.filterCriteria, 'sqs'),
        invoke: (batch, signal) => invokeBatch({ mapping: mapping.name, invoker, reportBatchItemFailures, logger, observe }, batch, { signal }),
        clock: ctx.clock,
        logger,
        scaling: receivers,
        onProgress: (event) => {
          if (event.kind === 'received') stats.records += event.records;
          else if (event.kind === 'filtered') stats.filtered += event.records;
          else if (event.kind === 'deleted') stats.processed += event.records;
          else stats.returned += event.records; // failed or released: received (and counted) again later
        },
      },
      stop,
      abort,
    ).finally(() => {
      held.clear();
      stats.receiveLoops = undefined;
    });
  } finally {
    client.destroy();
  }
}

/**
 * Lambda refuses a mapping whose function timeout exceeds the queue's visibility timeout and
 * recommends six times the function timeout (so a throttled batch can be retried before its
 * messages reappear). sluice runs the mapping anyway (its visibility heartbeat keeps a slow
 * batch hidden) and says what AWS would do.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export function warnAboutVisibilityTimeout(info: SqsQueueInfo, functionTimeoutSeconds: number | undefined, logger: Logger): void {
  if (functionTimeoutSeconds === undefined) return;
  const visibilityTimeout = info.visibilityTimeoutSeconds;
  const recommended = functionTimeoutSeconds * RECOMMENDED_VISIBILITY_FACTOR;
  if (visibilityTimeout < functionTimeoutSeconds) {
    logger.warn(
      { visibilityTimeout, functionTimeout: functionTimeoutSeconds, recommended },
      `the queue's visibility timeout (${visibilityTimeout} s) is shorter than the function timeout (${functionTimeoutSeconds} s): AWS would refuse this mapping; it recommends at least ${recommended} s (6x the function timeout)`,
    );
  } else if (visibilityTimeout < recommended) {
    logger.info(
      { visibilityTimeout, functionTimeout: functionTimeoutSeconds, recommended },
      `the queue's visibility timeout (${visibilityTimeout} s) is under AWS's recommended 6x the function timeout (${recommended} s)`,
    );
  }
}
