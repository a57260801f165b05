import type { QueuePort } from '../../pollers/sqs/queue-port.js';
import type { PipelineRecord } from '../records.js';

export interface ReplayQueueStats {
  /** Messages moved to the simulated dead-letter queue by the redrive policy. */
  readonly deadLettered: readonly PipelineRecord[];
  /** Messages given up on after `maxAttempts` receives, with no redrive policy to take them. */
  readonly abandoned: readonly PipelineRecord[];
}

/**
 * An in-memory queue over recorded SQS messages, with the queue semantics a consumer
 * relies on: a received message is invisible until deleted or failed; a failed message
 * is received again with `ApproximateReceiveCount` increased; with `maxReceiveCount`
 * (the redrive policy) a message received that many times moves to a dead-letter list
 * instead, as SQS does; on a FIFO queue, a message group is blocked while one of its
 * messages is in flight.
 *
 * Without a redrive policy SQS would redeliver forever; a replay must end, so after
 * `maxAttempts` receives the message is abandoned and reported.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 */
export function createReplayQueue(options: {
  readonly queueArn: string;
  readonly fifo: boolean;
  /** Builds the record for a receive, given how often the message was received. */
  readonly receiveAs: (index: number, receiveCount: number) => PipelineRecord;
  readonly messages: number;
  readonly maxReceiveCount?: number;
  readonly maxAttempts: number;
}): QueuePort & { readonly stats: ReplayQueueStats } {
  interface Entry {
    readonly index: number;
    receives: number;
    state: 'visible' | 'in-flight' | 'gone';
    group?: string;
    current?: PipelineRecord;
  }
  const entries: Entry[] = Array.from({ length: options.messages }, (_, index) => ({ index, receives: 0, state: 'visible' }));
  const byRecord = new Map<PipelineRecord, Entry>();
  const deadLettered: PipelineRecord[] = [];
  const abandoned: PipelineRecord[] = [];
  const busyGroups = new Set<string>();

  const finish = (records: readonly PipelineRecord[], state: 'visible' | 'gone'): void => {
    for (const record of records) {
      const entry = byRecord.get(record);
      if (!entry || entry.state !== 'in-flight') continue;
      byRecord.delete(record);
      entry.state = state;
      if (entry.group !== undefined && ![...byRecord.values()].some((e) => e.group === entry.group)) {
        busyGroups.delete(entry.group);
      }
    }
  };

  return {
    queueArn: options.queueArn,
    fifo: options.fifo,
    finite: true,
    stats: { deadLettered, abandoned },
    async receive(max) {
      const out: PipelineRecord[] = [];
      const groupsThisReceive = new Set<string>();
      for (const entry of entries) {
        if (out.length >= max) break;
        if (entry.state !== 'visible') continue;
        const preview = entry.current ?? options.receiveAs(entry.index, entry.receives + 1);
        const group = options.fifo ? preview.orderingKey : undefined;
        // A group with a message in flight from an earlier receive is blocked (SQS FIFO).
        if (group !== undefined && busyGroups.has(group) && !groupsThisReceive.has(group)) continue;
        if (options.maxReceiveCount !== undefined && entry.receives >= options.maxReceiveCount) {
          entry.state = 'gone';
          deadLettered.push(preview);
          continue;
        }
        // Only where nothing else would end it: a redrive policy dead-letters instead.
        if (options.maxReceiveCount === undefined && entry.receives >= options.maxAttempts) {
          entry.state = 'gone';
          abandoned.push(preview);
          continue;
        }
        entry.receives += 1;
        const record = options.receiveAs(entry.index, entry.receives);
        entry.current = record;
        entry.state = 'in-flight';
        if (group !== undefined) {
          entry.group = group;
          busyGroups.add(group);
          groupsThisReceive.add(group);
        }
        byRecord.set(record, entry);
        out.push(record);
      }
      return out;
    },
    async delete(records) {
      finish(records, 'gone');
    },
    async settleFailed(records) {
      finish(records, 'visible');
    },
    async release(records) {
      finish(records, 'visible');
    },
    exhausted() {
      return entries.every((e) => e.state === 'gone');
    },
  };
}
