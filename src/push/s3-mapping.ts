import type { Mapping, S3Source } from '../config/types.js';
import { parseS3Notification, type S3NotificationRecord } from '../events/s3.js';
import { snsTopicArn } from '../events/arn.js';
import { json, parseJsonBody, problem, type HttpHandler, type HttpResponse } from '../http/respond.js';
import type { Logger } from '../log.js';
import type { MappingStats } from '../runtime/mapping-stats.js';
import type { RuntimeContext } from '../runtime/runtime-context.js';
import type { OfferResult } from './async-queue.js';
import { createAsyncIntake, type AsyncIntake } from './async-intake.js';
import type { PushRuntime } from './push-runtime.js';
import { isSnsEnvelope, unwrapS3Notification } from './s3-delivery.js';
import { matchS3Records } from './s3-match.js';
import { pollS3NotificationQueue } from './s3-queue-poller.js';
import { handleSnsDelivery, snsBusyResponse } from './sns-delivery.js';
import { subscribeEndpoint } from './sns-subscribe.js';
import { topicMatcher } from './sns-mapping.js';
import { untilAborted } from './until-aborted.js';

/**
 * The records a mapping takes from one notification, offered as one asynchronous event
 * `{ Records: [...] }`. Every record of a notification taken in counts into `records`, those
 * its rules reject also into `filtered`; a refused notification counts nothing (it comes again).
 */
export function acceptS3Records(
  source: S3Source,
  intake: AsyncIntake,
  stats: MappingStats,
  records: readonly S3NotificationRecord[],
  describe: Readonly<Record<string, unknown>>,
): OfferResult | 'filtered' {
  const matched = matchS3Records(source, records);
  if (matched.length === 0) {
    stats.records += records.length;
    stats.filtered += records.length;
    return 'filtered';
  }
  const result = intake.offer({ Records: matched }, records.length, { ...describe, keys: matched.map((r) => r.s3.object.key) });
  if (result === 'accepted') stats.filtered += records.length - matched.length;
  return result;
}

/** S3-compatible servers (MinIO) retry a webhook that answers 429; Retry-After says when. */
export function s3BusyResponse(reason: 'full' | 'closed'): HttpResponse {
  return reason === 'full'
    ? problem(429, 'QueueFull', 'the event queue is full; retry later', { 'retry-after': '5' })
    : problem(503, 'ShuttingDown', 'sluice is shutting down', { 'retry-after': '30' });
}

export interface S3HandlerDeps {
  readonly mapping: Mapping & { readonly source: S3Source };
  readonly intake: AsyncIntake;
  readonly stats: MappingStats;
  readonly push: PushRuntime;
  readonly ctx: RuntimeContext;
  readonly logger: Logger;
  /** The subscription ARN of the `via.topic` subscription sluice made, if any. */
  readonly subscriptionArn: () => string | undefined;
}

/**
 * `POST /s3/<mapping>`: an S3 event notification as S3-compatible servers POST it (202 when
 * queued, 200 for `s3:TestEvent` or records the mapping's rules reject, 400 for a body that is
 * not one, 429 when the queue is full), or, for a mapping with `via.topic`, the SNS delivery
 * of one (SNS rules: signatures, confirmations, 503 when full).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export function createS3Handler(deps: S3HandlerDeps): HttpHandler {
  const { mapping, intake, stats, push, ctx, logger } = deps;
  const source = mapping.source;
  const region = ctx.config.region;
  const answer = (result: OfferResult | 'filtered', busy: (r: 'full' | 'closed') => HttpResponse): HttpResponse =>
    result === 'accepted' ? json(202, { accepted: true }) : result === 'filtered' ? json(200, { accepted: false, filtered: true }) : busy(result);
  const via = source.via;
  const viaTopic = via !== undefined && 'topic' in via ? via.topic : undefined;

  return async (request) => {
    const parsed = parseJsonBody(request);
    if (!parsed.ok) return parsed.response;
    if (isSnsEnvelope(parsed.value) || request.headers['x-amz-sns-message-type'] !== undefined) {
      if (viaTopic === undefined) return problem(400, 'UnexpectedSnsMessage', `mapping "${mapping.name}" has no via.topic; SNS deliveries are not accepted here`);
      return handleSnsDelivery(request, {
        topicMatches: topicMatcher(viaTopic),
        verifySignatures: push.snsEndpoint === undefined,
        verifier: push.verifier,
        subscribeUrlOrigins: push.subscribeUrlOrigins,
        rawMessageDelivery: false,
        fallbackSubscriptionArn: () => deps.subscriptionArn() ?? `${snsTopicArn(viaTopic, region, ctx.config.account)}:sluice`,
        logger,
        now: () => ctx.clock.now(),
        onNotification: (notification) => {
          let delivery;
          try {
            delivery = unwrapS3Notification(notification.Message, region);
          } catch (err) {
            logger.error({ err, snsMessageId: notification.MessageId }, 'SNS message is not an S3 notification');
            return problem(400, 'InvalidS3Notification', err instanceof Error ? err.message : String(err));
          }
          if (delivery.kind === 'test') return json(200, { testEvent: true });
          return answer(acceptS3Records(source, intake, stats, delivery.records, { snsMessageId: notification.MessageId }), snsBusyResponse);
        },
      });
    }
    let notification;
    try {
      notification = parseS3Notification(parsed.value, { region });
    } catch (err) {
      return problem(400, 'InvalidS3Notification', err instanceof Error ? err.message : String(err));
    }
    if ('testEvent' in notification) {
      logger.info('s3:TestEvent received (not invoked)');
      return json(200, { testEvent: true });
    }
    return answer(acceptS3Records(source, intake, stats, notification, {}), s3BusyResponse);
  };
}

/**
 * Runs an S3 mapping until `stop`: serves its webhook, and reads its notifications from the
 * `via` queue or subscribes to the `via` topic; then stops intake and drains the queue.
 */
export async function runS3Mapping(
  mapping: Mapping & { readonly source: S3Source },
  ctx: RuntimeContext,
  push: PushRuntime,
  stats: MappingStats,
  stop: AbortSignal,
  abort: AbortSignal,
): Promise<void> {
  const logger = ctx.logger.child({ mapping: mapping.name });
  // Before the announcement below: if this throws, nothing waits for a start that never comes.
  const intake = createAsyncIntake(mapping, ctx, stats);
  const started = push.starting(mapping.name);
  let subscriptionArn: string | undefined;
  const unregister = push.registerS3(mapping.name, mapping.source.bucket, createS3Handler({ mapping, intake, stats, push, ctx, logger, subscriptionArn: () => subscriptionArn }));
  try {
    const via = mapping.source.via;
    if (via !== undefined && 'queue' in via) {
      await pollS3NotificationQueue(
        {
          sqs: push.sqs(),
          queue: via.queue,
          region: ctx.config.region,
          clock: ctx.clock,
          logger,
          ...(push.settings.fullBackoffMs === undefined ? {} : { fullBackoffMs: push.settings.fullBackoffMs }),
          onReady: started,
          ...(ctx.onWait ? { onWait: ctx.onWait } : {}),
          accept: (records, messageId) => acceptS3Records(mapping.source, intake, stats, records, { sqsMessageId: messageId }),
        },
        stop,
      );
    } else {
      if (via !== undefined && 'topic' in via) {
        subscriptionArn = await subscribeEndpoint(
          push.sns(),
          {
            topicArn: snsTopicArn(via.topic, ctx.config.region, ctx.config.account),
            endpointUrl: via.endpointUrl ?? `${push.baseUrl}/s3/${encodeURIComponent(mapping.name)}`,
            rawMessageDelivery: false,
          },
          logger,
          stop,
        );
      }
      started();
      await untilAborted(stop);
    }
  } finally {
    started();
    await intake.drain(abort);
    unregister();
  }
}
