import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type BatchResultErrorEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import pRetry from 'p-retry';
import { isRetryable, SluiceError } from '../../src/errors.js';
import { sqsPipelineRecord } from '../../src/events/pipeline.js';
import type { Logger } from '../../src/log.js';
import type { PipelineRecord } from '../../src/records.js';
import type { QueuePort } from './queue-port.js';
import { createProblemLog, toQueueError } from './sqs-errors.js';

export interface SqsQueueOptions {
  readonly client: Pick<SQSClient, 'send'>;
  readonly queueUrl: string;
  /** `eventSourceARN` of the records (see `resolveQueueInfo`). */
  readonly queueArn: string;
  readonly region: string;
  readonly logger: Logger;
  /** Default: the ARN names a `.fifo` queue. */
  readonly fifo?: boolean;
  /** The queue's `VisibilityTimeout` (enables the consumer's visibility heartbeat). */
  readonly visibilityTimeoutSeconds?: number;
  /** Backoff between retries of a failing call; default 200 ms doubling up to 5 s. */
  readonly backoff?: { readonly minTimeoutMs: number; readonly maxTimeoutMs: number };
  /** Tries of one DeleteMessageBatch / ChangeMessageVisibilityBatch request before giving up; default 8. */
  readonly settleAttempts?: number;
  /** Told when calls start failing (`true`) and when they succeed again: status and `/readyz` show it. */
  readonly onFailing?: (failing: boolean) => void;
}

/** ReceiveMessage, DeleteMessageBatch and ChangeMessageVisibilityBatch take at most 10 messages. */
const SQS_BATCH_LIMIT = 10;
/** Batch requests of one settle call sent at once. */
const SETTLE_PARALLELISM = 8;
/** ChangeMessageVisibility's ceiling: 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * The queue consumer's port over a live SQS queue, as Lambda's poller uses it:
 * `ReceiveMessage` asking for every system and message attribute, `DeleteMessageBatch`
 * for what succeeded, `ChangeMessageVisibilityBatch` to extend a batch still being processed
 * or to release messages at shutdown. A failed message is left alone: it reappears after the
 * visibility timeout, and the queue's redrive policy moves it to the dead-letter queue after
 * `maxReceiveCount` receives.
 *
 * Every call takes an abort signal. Failing calls (connection refused, throttling, a queue
 * that does not exist yet, access denied) are retried with backoff and logged once per
 * change of state; receives retry until the signal aborts. On a FIFO queue, the tries of one
 * receive share a `ReceiveRequestAttemptId`, so a receive whose answer was lost (a timeout, a
 * dropped connection) gets the same messages back at once, instead of leaving them, and their
 * message groups, hidden for the visibility timeout.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 */
export function createSqsQueue(options: SqsQueueOptions): QueuePort {
  const { client, queueUrl, logger } = options;
  const problems = createProblemLog(logger, options.onFailing);
  const minTimeout = options.backoff?.minTimeoutMs ?? 200;
  const maxTimeout = options.backoff?.maxTimeoutMs ?? 5_000;
  const settleAttempts = Math.max(1, options.settleAttempts ?? 8);
  const context = { queueArn: options.queueArn, region: options.region };
  const malformed = new Set<string>();

  async function call<T>(what: string, attempt: () => Promise<T>, signal: AbortSignal, retries: number, retryUntil = Number.POSITIVE_INFINITY): Promise<T> {
    let begun = 0;
    const result = await pRetry(
      async () => {
        begun = problems.begin();
        try {
          return await attempt();
        } catch (err) {
          if (signal.aborted) throw signal.reason;
          throw toQueueError(err, what);
        }
      },
      {
        retries,
        signal,
        minTimeout,
        maxTimeout,
        randomize: true,
        shouldRetry: ({ error }) => !signal.aborted && isRetryable(error) && Date.now() < retryUntil,
        onFailedAttempt: ({ error }) => {
          // p-retry reports every failed try, the last one too: an error no retry cures is thrown, not logged as retried.
          if (!signal.aborted && isRetryable(error)) problems.failed(what, error);
        },
      },
    );
    problems.succeeded(begun);
    return result;
  }

  /** Sends `records` in requests of 10, retrying entries that failed on the service's side. */
  async function settle(
    what: 'DeleteMessageBatch' | 'ChangeMessageVisibilityBatch',
    records: readonly PipelineRecord[],
    signal: AbortSignal,
    send: (entries: readonly { Id: string; ReceiptHandle: string }[]) => Promise<{ readonly Failed?: BatchResultErrorEntry[] | undefined }>,
  ): Promise<void> {
    const handles = [...new Set(records.map((r) => r.receiptHandle).filter((h): h is string => h !== undefined))];
    const chunks: string[][] = [];
    for (let i = 0; i < handles.length; i += SQS_BATCH_LIMIT) chunks.push(handles.slice(i, i + SQS_BATCH_LIMIT));
    const settleChunk = async (chunk: string[]): Promise<void> => {
      let pending = chunk;
      await call(
        what,
        async () => {
          const entries = pending.map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle }));
          const result = await send(entries);
          const failed = result.Failed ?? [];
          if (failed.length === 0) return;
          const byId = new Map(entries.map((e) => [e.Id, e.ReceiptHandle]));
          const retry = failed.filter((f) => f.SenderFault !== true);
          const rejected = failed.filter((f) => f.SenderFault === true);
          if (rejected.length > 0) noteRejected(what, rejected);
          pending = retry.map((f) => byId.get(f.Id ?? '')).filter((h): h is string => h !== undefined);
          if (pending.length > 0) {
            throw new SluiceError('SqsEntriesFailed', `${what}: ${pending.length} entries failed (${retry[0]?.Code ?? 'unknown'})`, {
              retryable: true,
            });
          }
        },
        signal,
        settleAttempts - 1,
      );
    };
    for (let i = 0; i < chunks.length; i += SETTLE_PARALLELISM) {
      await Promise.all(chunks.slice(i, i + SETTLE_PARALLELISM).map(settleChunk));
    }
  }

  function noteRejected(what: string, rejected: readonly BatchResultErrorEntry[]): void {
    const first = rejected[0];
    const fields = { call: what, entries: rejected.length, code: first?.Code, reason: first?.Message };
    // A deletion refused because the receipt handle is stale (the message lapsed and was received
    // again) leaves the message to its next receive: at-least-once, never retried forever.
    if (what === 'DeleteMessageBatch') logger.warn(fields, 'SQS refused to delete messages (a stale receipt handle, or a queue made again): any still in the queue will be received again');
    else logger.debug(fields, 'SQS refused a visibility change (message already deleted or received again)');
  }

  const changeVisibility = (records: readonly PipelineRecord[], seconds: number, signal: AbortSignal): Promise<void> => {
    const VisibilityTimeout = Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.round(seconds)));
    return settle('ChangeMessageVisibilityBatch', records, signal, (entries) =>
      client.send(
        new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries.map((e) => ({ ...e, VisibilityTimeout })) }),
        { abortSignal: signal },
      ),
    );
  };

  const fifo = options.fifo ?? options.queueArn.endsWith('.fifo');
  return {
    queueArn: options.queueArn,
    fifo,
    finite: false,
    ...(options.visibilityTimeoutSeconds === undefined ? {} : { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }),
    async receive(max, waitTimeSeconds, signal, retryForMs) {
      // The SDK's own retries resend the same input, and so the same attempt id, too.
      // @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html#SQS-ReceiveMessage-request-ReceiveRequestAttemptId
      const attempt = fifo ? { ReceiveRequestAttemptId: randomUUID() } : {};
      const response = await call(
        'ReceiveMessage',
        () =>
          client.send(
            new ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: Math.max(1, Math.min(SQS_BATCH_LIMIT, max)),
              WaitTimeSeconds: waitTimeSeconds,
              MessageSystemAttributeNames: ['All'],
              MessageAttributeNames: ['All'],
              ...attempt,
            }),
            { abortSignal: signal },
          ),
        signal,
        Number.POSITIVE_INFINITY,
        retryForMs === undefined ? undefined : Date.now() + retryForMs,
      );
      const records: PipelineRecord[] = [];
      for (const message of response.Messages ?? []) {
        try {
          records.push(sqsPipelineRecord(message, context));
        } catch (err) {
          // Left to the queue: it is received again and the redrive policy dead-letters it.
          const id = message.MessageId ?? '(no id)';
          if (!malformed.has(id)) logger.error({ err, messageId: id }, 'SQS message cannot be turned into a Lambda record; left in the queue');
          malformed.add(id);
        }
      }
      return records;
    },
    delete(records, signal) {
      return settle('DeleteMessageBatch', records, signal, (entries) =>
        client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: [...entries] }), { abortSignal: signal }),
      );
    },
    async settleFailed() {
      // Nothing to do: the messages reappear after the visibility timeout, as with Lambda.
    },
    release(records, signal) {
      return changeVisibility(records, 0, signal);
    },
    extendVisibility(records, seconds, signal) {
      return changeVisibility(records, seconds, signal);
    },
    exhausted: () => false,
  };
}
