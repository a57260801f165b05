import type { Clock } from '../../src/clock.js';
import type { PipelineRecord } from '../../src/records.js';
import type { QueuePort } from './queue-port.js';

/**
 * What an SQS mapping holds of its queue right now, read when `/metrics` is scraped. The
 * local counterparts of CloudWatch's `ApproximateNumberOfMessagesNotVisible` and
 * `ApproximateAgeOfOldestMessage`, measured on the mapping's side (exact, no extra call).
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 */
export interface QueueHoldings {
  /** Messages received and not yet deleted, released, or left to the queue after a failed batch. */
  readonly inFlight: number;
  /**
   * Age in ms (now - `SentTimestamp`) of the oldest message held; with none held, the age the
   * oldest message of the most recent receive had when it was received; 0 once a receive came
   * back empty with nothing held.
   */
  ageOfOldestMessageMs(): number;
}

export interface HeldMessages {
  /** The queue, counting what passes through it. */
  readonly queue: QueuePort;
  readonly holdings: QueueHoldings;
  /** The consumer stopped: it holds nothing, and its last receive says nothing about the queue now. */
  clear(): void;
}

/**
 * Wraps a queue port to keep {@link QueueHoldings}: a message is held from the receive that
 * returned it until a delete, release or failed-batch settle of it ends (successfully or not:
 * either way the consumer let go of it, and SQS hands it out again if it was not deleted).
 *
 * With nothing held, the age is the one seen at the last receive rather than now - `SentTimestamp`
 * of a message already deleted: that message is gone from the queue, so its age would only grow
 * until the next receive (up to a 20 s long poll) while telling nothing about what waits there.
 */
export function trackHeldMessages(queue: QueuePort, clock: Clock): HeldMessages {
  const held = new Set<PipelineRecord>();
  let lastReceiveAgeMs = 0;
  const letGo = async (records: readonly PipelineRecord[], settling: Promise<void>): Promise<void> => {
    try {
      await settling;
    } finally {
      for (const record of records) held.delete(record);
    }
  };
  const tracked: QueuePort = {
    queueArn: queue.queueArn,
    fifo: queue.fifo,
    finite: queue.finite,
    ...(queue.visibilityTimeoutSeconds === undefined ? {} : { visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds }),
    async receive(max, waitTimeSeconds, signal, retryForMs) {
      const records = await queue.receive(max, waitTimeSeconds, signal, retryForMs);
      for (const record of records) held.add(record);
      const oldest = oldestSentTimestamp(records);
      lastReceiveAgeMs = oldest === undefined ? 0 : Math.max(0, clock.now() - oldest);
      return records;
    },
    delete: (records, signal) => letGo(records, queue.delete(records, signal)),
    settleFailed: (records, signal) => letGo(records, queue.settleFailed(records, signal)),
    release: (records, signal) => letGo(records, queue.release(records, signal)),
    ...(queue.extendVisibility ? { extendVisibility: queue.extendVisibility.bind(queue) } : {}),
    exhausted: () => queue.exhausted(),
  };
  return {
    queue: tracked,
    holdings: {
      get inFlight() {
        return held.size;
      },
      ageOfOldestMessageMs() {
        const oldest = oldestSentTimestamp(held);
        return oldest === undefined ? lastReceiveAgeMs : Math.max(0, clock.now() - oldest);
      },
    },
    clear() {
      held.clear();
      lastReceiveAgeMs = 0;
    },
  };
}

/** The earliest `SentTimestamp` (a record's `arrivalTime`) among `records`, if any has one. */
function oldestSentTimestamp(records: Iterable<PipelineRecord>): number | undefined {
  let oldest: number | undefined;
  for (const record of records) {
    if (Number.isFinite(record.arrivalTime) && (oldest === undefined || record.arrivalTime < oldest)) oldest = record.arrivalTime;
  }
  return oldest;
}
