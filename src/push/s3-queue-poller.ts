import { DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../clock.js';
import type { S3NotificationRecord } from '../events/s3.js';
import type { Logger } from '../log.js';
import type { OfferResult } from './async-queue.js';
import { toQueueError } from '../../pollers/sqs/sqs-errors.js';
import { waitFor, type WaitListener } from '../runtime/wait-for.js';
import { unwrapS3Message } from './s3-delivery.js';

export interface S3QueuePollerDeps {
  readonly sqs: Pick<SQSClient, 'send'>;
  /** Queue name, URL or ARN. */
  readonly queue: string;
  /** Region for records whose `awsRegion` is empty. */
  readonly region: string;
  /** Takes the records of one notification in; `accepted` (or a notification it filtered out entirely) lets the message be deleted. */
  readonly accept: (records: readonly S3NotificationRecord[], messageId: string) => OfferResult | 'filtered';
  readonly clock: Clock;
  readonly logger: Logger;
  /** Long-poll wait; default 20 s. */
  readonly waitTimeSeconds?: number;
  /** Called once the queue URL is known and polling begins, or once the queue is waited for. */
  readonly onReady?: () => void;
  /** Hears the queue waited for (it does not exist yet: LocalStack still starting), then `undefined`. */
  readonly onWait?: WaitListener;
  /** Pause before receiving again after the intake was full; default 1 s. */
  readonly fullBackoffMs?: number;
  /** How long a DeleteMessageBatch may take; default 10 s. */
  readonly deleteTimeoutMs?: number;
}

/**
 * Deletes run to the end even after `stop` (their events are already in the asynchronous
 * queue), but not for ever: an endpoint that accepts the request and never answers must not
 * hold the poller, and so the mapping's shutdown. What is not deleted comes back (at-least-once).
 */
const DELETE_TIMEOUT_MS = 10_000;

/**
 * Reads S3 event notifications from an SQS queue (S3 → SQS, or S3 → SNS → SQS) and hands
 * each to the mapping as if S3 had invoked the function directly. A message is deleted once
 * its event was accepted into the asynchronous queue (or is a test event, or matched none of
 * the mapping's rules); a message the full queue refused stays and comes back after its
 * visibility timeout; a malformed message is logged and left to the queue's redrive policy.
 * Runs until `stop`.
 */
export async function pollS3NotificationQueue(deps: S3QueuePollerDeps, stop: AbortSignal): Promise<void> {
  const { sqs, logger, clock } = deps;
  let queueUrl: string;
  try {
    // A queue that does not exist yet (LocalStack still starting, resources still being made)
    // is waited for, as a live SQS mapping's is; meanwhile the mapping counts as started.
    queueUrl = await waitFor(
      `queue ${deps.queue}`,
      () =>
        resolveQueueUrl(sqs, deps.queue, stop).catch((err: unknown) => {
          throw stop.aborted ? err : toQueueError(err, 'GetQueueUrl');
        }),
      logger,
      stop,
      (what) => {
        if (what !== undefined) deps.onReady?.();
        deps.onWait?.(what);
      },
    );
  } catch (err) {
    if (stop.aborted) return;
    throw err;
  }
  logger.info({ queueUrl }, 'polling S3 notifications from SQS');
  deps.onReady?.();
  let failures = 0;
  while (!stop.aborted) {
    let messages: Message[];
    try {
      const result = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: deps.waitTimeSeconds ?? 20 }),
        { abortSignal: stop },
      );
      messages = result.Messages ?? [];
      failures = 0;
    } catch (err) {
      if (stop.aborted) return;
      failures += 1;
      logger.warn({ err, failures }, 'ReceiveMessage failed; retrying');
      await pause(clock, Math.min(1_000 * 2 ** (failures - 1), 30_000), stop);
      continue;
    }
    const done: Message[] = [];
    let refused: OfferResult | undefined;
    for (const message of messages) {
      const outcome = handle(deps, message);
      if (outcome === 'delete') done.push(message);
      else if (outcome !== 'keep') refused = outcome;
    }
    await deleteMessages(sqs, queueUrl, done, logger, deps.deleteTimeoutMs ?? DELETE_TIMEOUT_MS);
    if (refused === 'closed') return;
    if (refused === 'full') await pause(clock, deps.fullBackoffMs ?? 1_000, stop);
  }
}

function handle(deps: S3QueuePollerDeps, message: Message): 'delete' | 'keep' | OfferResult {
  const messageId = message.MessageId ?? '';
  let delivery;
  try {
    delivery = unwrapS3Message(message.Body ?? '', deps.region);
  } catch (err) {
    deps.logger.error({ err, messageId }, 'not an S3 notification; left in the queue for its redrive policy');
    return 'keep';
  }
  if (delivery.kind === 'test') {
    deps.logger.info({ messageId }, 's3:TestEvent received (not invoked)');
    return 'delete';
  }
  const result = deps.accept(delivery.records, messageId);
  return result === 'accepted' || result === 'filtered' ? 'delete' : result;
}

async function deleteMessages(sqs: Pick<SQSClient, 'send'>, queueUrl: string, messages: readonly Message[], logger: Logger, timeoutMs: number): Promise<void> {
  if (messages.length === 0) return;
  try {
    const result = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
    for (const failure of result.Failed ?? []) {
      logger.warn({ messageId: messages[Number(failure.Id)]?.MessageId, code: failure.Code }, 'DeleteMessage failed; the notification may be delivered again');
    }
  } catch (err) {
    logger.warn({ err, messages: messages.length }, 'DeleteMessageBatch failed; the notifications may be delivered again');
  }
}

/** A queue URL from a URL (as is), an ARN or a name (GetQueueUrl). */
export async function resolveQueueUrl(sqs: Pick<SQSClient, 'send'>, queue: string, signal: AbortSignal): Promise<string> {
  if (/^https?:\/\//.test(queue)) return queue;
  const arn = queue.startsWith('arn:') ? queue.split(':') : undefined;
  const name = arn ? (arn[5] ?? '') : queue;
  const owner = arn?.[4];
  const result = await sqs.send(new GetQueueUrlCommand({ QueueName: name, ...(owner ? { QueueOwnerAWSAccountId: owner } : {}) }), { abortSignal: signal });
  if (!result.QueueUrl) throw new Error(`GetQueueUrl returned no URL for ${queue}`);
  return result.QueueUrl;
}

async function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch {
    // Stopped while pausing: the loop ends.
  }
}
