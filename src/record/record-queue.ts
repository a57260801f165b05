import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Clock } from '../clock.js';
import { resolveSqsQueue } from '../events/sqs.js';
import type { RecordLimits } from './record-streams.js';

/** SQS's longest visibility timeout, 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * Records messages of a queue. Without `consume`, messages are received with a
 * visibility timeout covering the whole recording (so none is recorded twice) and
 * made visible again at the end: the queue keeps every message, though each receive
 * counts towards the queue's `maxReceiveCount`, as any SQS receive does. With
 * `consume`, each recorded message is deleted.
 */
export async function recordQueue(
  client: Pick<SQSClient, 'send'>,
  queue: string,
  options: RecordLimits & { readonly consume: boolean; readonly region: string; readonly account: string },
  write: (line: Record<string, unknown>) => void,
  clock: Clock,
  signal: AbortSignal,
): Promise<number> {
  const queueUrl = /^https?:\/\//.test(queue)
    ? queue
    : ((await client.send(new GetQueueUrlCommand(queueNameInput(queue, options.region, options.account)), { abortSignal: signal })).QueueUrl ?? '');
  const deadline = options.durationMs === undefined ? undefined : clock.now() + options.durationMs;
  const visibility = Math.min(MAX_VISIBILITY_SECONDS, Math.ceil((options.durationMs ?? 600_000) / 1000) + 60);
  const held: string[] = [];
  let count = 0;
  try {
    for (;;) {
      if (signal.aborted || (options.limit !== undefined && count >= options.limit)) break;
      const remainingMs = deadline === undefined ? undefined : deadline - clock.now();
      if (remainingMs !== undefined && remainingMs <= 0) break;
      const want = Math.min(10, options.limit === undefined ? 10 : options.limit - count);
      const wait = remainingMs === undefined ? 1 : Math.min(20, Math.max(0, Math.floor(remainingMs / 1000)));
      const received = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: want,
          WaitTimeSeconds: wait,
          VisibilityTimeout: options.consume ? 30 : visibility,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: signal },
      );
      const messages = received.Messages ?? [];
      if (messages.length === 0 && deadline === undefined) break;
      for (const message of messages) {
        write(messageLine(message));
        count += 1;
      }
      const handles = messages.map((m) => m.ReceiptHandle ?? '').filter(Boolean);
      if (options.consume && handles.length > 0) {
        await client.send(
          new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: handles.map((h, i) => ({ Id: String(i), ReceiptHandle: h })) }),
          { abortSignal: signal },
        );
      } else {
        held.push(...handles);
      }
    }
  } finally {
    for (let i = 0; i < held.length; i += 10) {
      const chunk = held.slice(i, i + 10);
      await client
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((h, j) => ({ Id: String(j), ReceiptHandle: h, VisibilityTimeout: 0 })),
          }),
        )
        .catch(() => undefined);
    }
  }
  return count;
}

function queueNameInput(queue: string, region: string, account: string) {
  const ref = resolveSqsQueue(queue, region, account);
  return queue.startsWith('arn:') ? { QueueName: ref.name, QueueOwnerAWSAccountId: ref.account } : { QueueName: ref.name };
}

/** A received message as the AWS CLI prints it (binary values base64). */
export function messageLine(message: Message): Record<string, unknown> {
  const line: Record<string, unknown> = {
    MessageId: message.MessageId,
    ReceiptHandle: message.ReceiptHandle,
    MD5OfBody: message.MD5OfBody,
    Body: message.Body,
  };
  if (message.Attributes) line['Attributes'] = message.Attributes;
  if (message.MessageAttributes && Object.keys(message.MessageAttributes).length > 0) {
    line['MD5OfMessageAttributes'] = message.MD5OfMessageAttributes;
    line['MessageAttributes'] = Object.fromEntries(
      Object.entries(message.MessageAttributes).map(([name, a]) => [
        name,
        {
          DataType: a.DataType,
          ...(a.StringValue === undefined ? {} : { StringValue: a.StringValue }),
          ...(a.BinaryValue === undefined ? {} : { BinaryValue: Buffer.from(a.BinaryValue).toString('base64') }),
        },
      ]),
    );
  }
  return line;
}
