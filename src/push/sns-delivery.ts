import { parseSnsHttpMessage, type SnsHttpMessage, type SnsHttpNotification } from '../events/sns.js';
import { header, json, parseJsonBody, problem, type HttpRequest, type HttpResponse } from '../http/respond.js';
import type { Logger } from '../log.js';
import { confirmSubscription, isAllowedSubscribeUrl } from './sns-confirm.js';
import type { SnsSignatureVerifier } from './sns-signature.js';

/**
 * SNS delivers at most 256 KiB of message plus its envelope; JSON escaping can double the
 * message, so a body up to twice that plus 64 KiB of envelope is read, and a larger one gets 413.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export const SNS_MAX_BODY_BYTES = 2 * 256 * 1024 + 64 * 1024;

export interface SnsDeliveryOptions {
  /** True when a message's `TopicArn` is the topic this endpoint serves. */
  readonly topicMatches: (topicArn: string) => boolean;
  readonly verifySignatures: boolean;
  readonly verifier: SnsSignatureVerifier;
  /** Origins a `SubscribeURL` may point at (see `subscribeUrlOrigins`). */
  readonly subscribeUrlOrigins: readonly string[];
  /** Raw message deliveries carry no signature: accepted when raw delivery is configured or signatures are not checked. */
  readonly rawMessageDelivery: boolean;
  /** The subscription ARN when the `x-amz-sns-subscription-arn` header is absent (emulators). */
  readonly fallbackSubscriptionArn: () => string;
  readonly logger: Logger;
  /** The time for raw deliveries' `Timestamp`. */
  readonly now: () => number;
  /** Visits an allowed `SubscribeURL`; default a GET. */
  readonly confirm?: (url: string, signal: AbortSignal) => Promise<void>;
  /** Takes a notification in (e.g. into the asynchronous queue) and says how to answer SNS. */
  readonly onNotification: (notification: SnsHttpNotification, subscriptionArn: string) => HttpResponse;
}

/**
 * Handles one POST from SNS to an HTTP(S) subscription endpoint:
 * - malformed JSON or an invalid message: 400;
 * - a signature that does not verify (when checked), or a topic this endpoint does not serve: 403;
 * - `SubscriptionConfirmation`: `SubscribeURL` is visited only when its origin is allowed (else 403, nothing fetched);
 * - `UnsubscribeConfirmation`: logged, 200;
 * - `Notification` (JSON, or raw with `x-amz-sns-rawdelivery: true`): handed to `onNotification`.
 * @see https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.prepare.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html
 */
export async function handleSnsDelivery(request: HttpRequest, options: SnsDeliveryOptions): Promise<HttpResponse> {
  const { logger } = options;
  const subscriptionArn = header(request, 'x-amz-sns-subscription-arn') ?? options.fallbackSubscriptionArn();
  if (header(request, 'x-amz-sns-rawdelivery') === 'true' && header(request, 'x-amz-sns-message-type') === 'Notification') {
    return rawNotification(request, options, subscriptionArn);
  }
  const parsed = parseJsonBody(request);
  if (!parsed.ok) return parsed.response;
  let message: SnsHttpMessage;
  try {
    message = parseSnsHttpMessage(parsed.value);
  } catch (err) {
    return problem(400, 'InvalidSnsMessage', err instanceof Error ? err.message : String(err));
  }
  const log = logger.child({ snsMessageId: message.MessageId, topicArn: message.TopicArn, type: message.Type });
  if (options.verifySignatures) {
    const verdict = await options.verifier.verify(message, request.signal);
    if (!verdict.valid) {
      log.warn({ reason: verdict.reason }, 'SNS message rejected: bad signature');
      return problem(403, 'InvalidSignature', verdict.reason);
    }
  }
  if (!options.topicMatches(message.TopicArn)) {
    log.warn('SNS message rejected: not from the topic this endpoint serves');
    return problem(403, 'UnexpectedTopic', `this endpoint does not serve topic ${message.TopicArn}`);
  }
  switch (message.Type) {
    case 'SubscriptionConfirmation': {
      if (!isAllowedSubscribeUrl(message.SubscribeURL, options.subscribeUrlOrigins)) {
        log.warn({ subscribeUrl: message.SubscribeURL, allowed: options.subscribeUrlOrigins }, 'SNS subscription not confirmed: SubscribeURL origin not allowed');
        return problem(403, 'SubscribeUrlNotAllowed', `SubscribeURL must be on ${options.subscribeUrlOrigins.join(' or ')}`);
      }
      try {
        await (options.confirm ?? ((url, signal) => confirmSubscription(url, { signal })))(message.SubscribeURL, request.signal);
      } catch (err) {
        log.error({ err }, 'SNS subscription confirmation failed');
        return problem(502, 'ConfirmationFailed', err instanceof Error ? err.message : String(err));
      }
      log.info('SNS subscription confirmed');
      return json(200, { confirmed: true });
    }
    case 'UnsubscribeConfirmation':
      log.info({ subscribeUrl: message.SubscribeURL }, 'SNS subscription removed (UnsubscribeConfirmation); visit SubscribeURL to subscribe again');
      return json(200, { acknowledged: true });
    case 'Notification':
      return options.onNotification(message, subscriptionArn);
  }
}

/**
 * A raw delivery: the body is the message itself and the metadata comes in headers. Raw
 * deliveries are not signed, so fields Lambda's record takes from the envelope
 * (`Signature`, `SigningCertUrl`, `UnsubscribeUrl`) are empty, `Timestamp` is the time of
 * receipt, and `Subject` is null.
 */
function rawNotification(request: HttpRequest, options: SnsDeliveryOptions, subscriptionArn: string): HttpResponse {
  if (options.verifySignatures && !options.rawMessageDelivery) {
    return problem(403, 'UnsignedMessage', 'raw (unsigned) deliveries are refused: set rawMessageDelivery on the mapping to accept them');
  }
  const messageId = header(request, 'x-amz-sns-message-id');
  const topicArn = header(request, 'x-amz-sns-topic-arn');
  if (messageId === undefined || topicArn === undefined) {
    return problem(400, 'InvalidSnsMessage', 'a raw delivery needs the x-amz-sns-message-id and x-amz-sns-topic-arn headers');
  }
  if (!options.topicMatches(topicArn)) return problem(403, 'UnexpectedTopic', `this endpoint does not serve topic ${topicArn}`);
  const notification: SnsHttpNotification = {
    Type: 'Notification',
    MessageId: messageId,
    TopicArn: topicArn,
    Message: request.body.toString('utf8'),
    Timestamp: new Date(options.now()).toISOString(),
    SignatureVersion: '1',
    Signature: '',
    SigningCertURL: '',
    UnsubscribeURL: '',
  };
  return options.onNotification(notification, subscriptionArn);
}

/** The response for an event the asynchronous queue refused: SNS retries 5xx deliveries, so 503 with Retry-After. */
export function snsBusyResponse(reason: 'full' | 'closed'): HttpResponse {
  return problem(503, reason === 'full' ? 'QueueFull' : 'ShuttingDown', reason === 'full' ? 'the event queue is full; retry later' : 'sluice is shutting down', {
    'retry-after': reason === 'full' ? '5' : '30',
  });
}
