import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { isArn } from '../../src/events/arn.js';
import { resolveSqsQueue } from '../../src/events/sqs.js';
import { toQueueError } from './sqs-errors.js';

/** A queue as the poller needs it: where to call, what to put in `eventSourceARN`, how long a receive hides a message. */
export interface SqsQueueInfo {
  readonly queueUrl: string;
  /** The queue's `QueueArn` attribute (computed from the reference when the service does not give one). */
  readonly queueArn: string;
  readonly fifo: boolean;
  /** The queue's `VisibilityTimeout`, seconds. */
  readonly visibilityTimeoutSeconds: number;
  /** The redrive policy's `maxReceiveCount`, when the queue has a dead-letter queue. */
  readonly maxReceiveCount?: number;
}

/** SQS's default `VisibilityTimeout`, used when the service does not report one. */
const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;

/**
 * Resolves a queue name, URL or ARN against the service: `GetQueueUrl` (with
 * `QueueOwnerAWSAccountId` for an ARN or URL naming another account), then
 * `GetQueueAttributes` for `QueueArn`, `VisibilityTimeout`, `FifoQueue` and `RedrivePolicy`.
 * A URL is resolved by its queue name too, so a URL written for one endpoint (LocalStack's
 * `localhost:4566`) works against the endpoint sluice is configured with.
 * @throws SluiceError `QueueDoesNotExist` (retryable), `SqsUnavailable` (retryable) or `SqsRequestInvalid`.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueUrl.html
 */
export async function resolveQueueInfo(
  client: Pick<SQSClient, 'send'>,
  queue: string,
  defaults: { readonly region: string; readonly account: string },
  signal: AbortSignal,
): Promise<SqsQueueInfo> {
  const ref = resolveSqsQueue(queue, defaults.region, defaults.account);
  const otherOwner = (isArn(queue) || /^https?:\/\//.test(queue)) && ref.account !== defaults.account;
  let queueUrl: string;
  try {
    const found = await client.send(
      new GetQueueUrlCommand({ QueueName: ref.name, ...(otherOwner ? { QueueOwnerAWSAccountId: ref.account } : {}) }),
      { abortSignal: signal },
    );
    if (found.QueueUrl === undefined) throw new Error('GetQueueUrl returned no QueueUrl');
    queueUrl = found.QueueUrl;
  } catch (err) {
    throw toQueueError(err, `GetQueueUrl ${ref.name}`);
  }
  let attributes: Partial<Record<string, string>>;
  try {
    const result = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'VisibilityTimeout', 'FifoQueue', 'RedrivePolicy'] }),
      { abortSignal: signal },
    );
    attributes = result.Attributes ?? {};
  } catch (err) {
    throw toQueueError(err, `GetQueueAttributes ${queueUrl}`);
  }
  const queueArn = attributes['QueueArn'] ?? ref.arn;
  const visibility = Number(attributes['VisibilityTimeout']);
  const maxReceiveCount = redriveMaxReceiveCount(attributes['RedrivePolicy']);
  return {
    queueUrl,
    queueArn,
    fifo: attributes['FifoQueue'] === 'true' || ref.name.endsWith('.fifo'),
    visibilityTimeoutSeconds: Number.isFinite(visibility) ? visibility : DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
    ...(maxReceiveCount === undefined ? {} : { maxReceiveCount }),
  };
}

function redriveMaxReceiveCount(policy: string | undefined): number | undefined {
  if (policy === undefined) return undefined;
  try {
    const parsed = JSON.parse(policy) as { maxReceiveCount?: unknown };
    const count = Number(parsed.maxReceiveCount);
    return Number.isFinite(count) && count > 0 ? count : undefined;
  } catch {
    return undefined;
  }
}
