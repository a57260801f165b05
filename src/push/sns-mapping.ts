import type { Mapping, SnsSource } from '../config/types.js';
import { isArn, snsTopicArn } from '../events/arn.js';
import { snsRecord } from '../events/sns.js';
import { json, type HttpHandler } from '../http/respond.js';
import type { Logger } from '../log.js';
import type { MappingStats } from '../runtime/mapping-stats.js';
import type { RuntimeContext } from '../runtime/runtime-context.js';
import { createAsyncIntake, type AsyncIntake } from './async-intake.js';
import type { PushRuntime } from './push-runtime.js';
import { handleSnsDelivery, snsBusyResponse } from './sns-delivery.js';
import { subscribeEndpoint } from './sns-subscribe.js';
import { untilAborted } from './until-aborted.js';

/**
 * Matches a message's `TopicArn` against the configured topic: exactly when the topic is
 * configured as an ARN, by topic name when it is configured as a name (emulators and
 * LocalStack may use another account id than the config's).
 */
export function topicMatcher(configured: string): (topicArn: string) => boolean {
  if (isArn(configured)) return (topicArn) => topicArn === configured;
  return (topicArn) => topicArn.split(':').at(-1) === configured;
}

/**
 * Whether a mapping checks SNS signatures: as configured, else on for AWS (no custom SNS
 * endpoint) and off for emulators, which do not sign (or sign with certificates on hosts
 * they cannot serve).
 */
export function verifiesSignatures(source: SnsSource, push: Pick<PushRuntime, 'snsEndpoint'>): boolean {
  return source.verifySignatures ?? push.snsEndpoint === undefined;
}

export interface SnsHandlerDeps {
  readonly mapping: Mapping & { readonly source: SnsSource };
  readonly intake: AsyncIntake;
  readonly push: PushRuntime;
  readonly ctx: RuntimeContext;
  readonly logger: Logger;
  /** The subscription ARN sluice created at start, for deliveries without the `x-amz-sns-subscription-arn` header. */
  readonly subscriptionArn: () => string | undefined;
}

/**
 * `POST /sns/<mapping>`: SNS's HTTP deliveries (see `handleSnsDelivery`); a notification
 * becomes Lambda's SNS event `{ Records: [record] }` (one record per invocation, as Lambda's
 * SNS trigger delivers) and is queued: 202, or 503 with Retry-After when the queue is full.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 */
export function createSnsHandler(deps: SnsHandlerDeps): HttpHandler {
  const { mapping, intake, push, ctx, logger } = deps;
  const source = mapping.source;
  const topicArn = snsTopicArn(source.topic, ctx.config.region, ctx.config.account);
  const options = {
    topicMatches: topicMatcher(source.topic),
    verifySignatures: verifiesSignatures(source, push),
    verifier: push.verifier,
    subscribeUrlOrigins: push.subscribeUrlOrigins,
    rawMessageDelivery: source.rawMessageDelivery,
    fallbackSubscriptionArn: () => deps.subscriptionArn() ?? `${topicArn}:sluice`,
    logger,
    now: () => ctx.clock.now(),
    onNotification: (notification: Parameters<typeof snsRecord>[0], subscriptionArn: string) => {
      const record = snsRecord(notification, { subscriptionArn });
      const result = intake.offer({ Records: [record] }, 1, { snsMessageId: notification.MessageId });
      return result === 'accepted' ? json(202, { accepted: true }) : snsBusyResponse(result);
    },
  };
  return (request) => handleSnsDelivery(request, options);
}

/** Runs an SNS mapping until `stop`: serves its endpoint (subscribing it at start when `subscribe`), then drains. */
export async function runSnsMapping(
  mapping: Mapping & { readonly source: SnsSource },
  ctx: RuntimeContext,
  push: PushRuntime,
  stats: MappingStats,
  stop: AbortSignal,
  abort: AbortSignal,
): Promise<void> {
  const logger = ctx.logger.child({ mapping: mapping.name });
  const source = mapping.source;
  // Before the announcement below: if this throws, nothing waits for a start that never comes.
  const intake = createAsyncIntake(mapping, ctx, stats);
  const started = push.starting(mapping.name);
  let subscriptionArn: string | undefined;
  const unregister = push.registerSns(mapping.name, createSnsHandler({ mapping, intake, push, ctx, logger, subscriptionArn: () => subscriptionArn }));
  if (!verifiesSignatures(source, push)) logger.info('SNS signatures are not verified for this mapping');
  try {
    if (source.subscribe) {
      subscriptionArn = await subscribeEndpoint(
        push.sns(),
        {
          topicArn: snsTopicArn(source.topic, ctx.config.region, ctx.config.account),
          endpointUrl: source.endpointUrl ?? `${push.baseUrl}/sns/${encodeURIComponent(mapping.name)}`,
          rawMessageDelivery: source.rawMessageDelivery,
        },
        logger,
        stop,
      );
    }
    started();
    await untilAborted(stop);
  } finally {
    started();
    await intake.drain(abort);
    unregister();
  }
}
