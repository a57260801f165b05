import pRetry from 'p-retry';
import { SluiceError } from '../errors.js';
import type { Logger } from '../log.js';

/** Sends one JSON document to an on-failure / on-success destination (an SQS queue or SNS topic ARN). */
export type DestinationSender = (destination: string, document: unknown, signal?: AbortSignal) => Promise<void>;

/** The narrow client ports a destination sender needs. */
export interface DestinationPorts {
  sendToQueue(queueArn: string, body: string, signal?: AbortSignal): Promise<void>;
  publishToTopic(topicArn: string, message: string, signal?: AbortSignal): Promise<void>;
}

/**
 * A sender that retries until the destination accepts the document (or shutdown
 * aborts it): a discarded batch is never lost silently.
 */
export interface DestinationSenderOptions {
  /** First backoff between attempts (ms); default 200. */
  readonly minTimeoutMs?: number;
  /** Longest backoff between attempts (ms); default 30,000. */
  readonly maxTimeoutMs?: number;
}

export function createDestinationSender(ports: DestinationPorts, logger: Logger, options: DestinationSenderOptions = {}): DestinationSender {
  return async (destination, document, signal) => {
    const body = JSON.stringify(document);
    const service = destination.split(':')[2];
    await pRetry(
      async () => {
        if (service === 'sqs') return ports.sendToQueue(destination, body, signal);
        if (service === 'sns') return ports.publishToTopic(destination, body, signal);
        throw new SluiceError('UnsupportedDestination', `destination ${destination} is neither an SQS queue nor an SNS topic ARN`);
      },
      {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: options.minTimeoutMs ?? 200,
        maxTimeout: options.maxTimeoutMs ?? 30_000,
        randomize: true,
        ...(signal ? { signal } : {}),
        shouldRetry: ({ error }) => !(error instanceof SluiceError && error.code === 'UnsupportedDestination'),
        onFailedAttempt: ({ error, attemptNumber }) => {
          if (attemptNumber === 1 || attemptNumber % 10 === 0) {
            logger.warn({ err: error, destination, attemptNumber }, 'destination send failed; retrying');
          }
        },
      },
    );
    logger.info({ destination }, 'sent to destination');
  };
}

/** A sender for replays and tests: keeps every document in memory. */
export function createMemoryDestinationSender(): { send: DestinationSender; readonly sent: { destination: string; document: unknown }[] } {
  const sent: { destination: string; document: unknown }[] = [];
  return {
    sent,
    send: async (destination, document) => {
      sent.push({ destination, document });
    },
  };
}
