import { SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import pRetry from 'p-retry';
import { SluiceError } from '../errors.js';
import type { Logger } from '../log.js';

export interface SubscribeEndpointInput {
  readonly topicArn: string;
  /** The http(s) URL SNS will POST to. */
  readonly endpointUrl: string;
  readonly rawMessageDelivery: boolean;
}

/**
 * Subscribes an HTTP(S) endpoint to a topic (protocol from the URL's scheme, raw delivery as
 * configured) and returns the subscription ARN. Subscribing the same endpoint again returns
 * the existing subscription, so a restart does not pile subscriptions up. Transient failures
 * are retried a few times; then the mapping fails to start.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html
 */
export async function subscribeEndpoint(sns: Pick<SNSClient, 'send'>, input: SubscribeEndpointInput, logger: Logger, signal: AbortSignal): Promise<string> {
  const protocol = new URL(input.endpointUrl).protocol === 'https:' ? 'https' : 'http';
  try {
    const result = await pRetry(
      () =>
        sns.send(
          new SubscribeCommand({
            TopicArn: input.topicArn,
            Protocol: protocol,
            Endpoint: input.endpointUrl,
            ReturnSubscriptionArn: true,
            ...(input.rawMessageDelivery ? { Attributes: { RawMessageDelivery: 'true' } } : {}),
          }),
          { abortSignal: signal },
        ),
      {
        retries: 3,
        minTimeout: 500,
        signal,
        shouldRetry: ({ error }) => !isClientFault(error),
      },
    );
    const arn = result.SubscriptionArn ?? `${input.topicArn}:pending`;
    logger.info({ topicArn: input.topicArn, endpoint: input.endpointUrl, subscriptionArn: arn }, 'SNS subscription created');
    return arn;
  } catch (err) {
    throw new SluiceError('SubscribeFailed', `cannot subscribe ${input.endpointUrl} to ${input.topicArn}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function isClientFault(error: unknown): boolean {
  const fault = (error as { $fault?: unknown }).$fault;
  return fault === 'client';
}
