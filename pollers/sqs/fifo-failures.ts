import type { PipelineRecord } from '../../src/records.js';

/** The failed messages of a FIFO batch, with what had to be added to keep each group in order. */
export interface FifoFailures {
  /** Failed messages in batch order: each reported failure and every later message of its group. */
  readonly failed: readonly PipelineRecord[];
  /** Messages the function reported as processed that follow a failure of their group. */
  readonly added: readonly PipelineRecord[];
  /** Message groups with a failure in this batch. */
  readonly groups: ReadonlySet<string>;
}

/**
 * FIFO ordering under `ReportBatchItemFailures`: AWS requires the function to stop at the
 * first failure of a FIFO batch and report every failed and unprocessed message. sluice holds a
 * function that does not to the rule, group by group: once a message of a `MessageGroupId`
 * failed, every later message of that group in the batch counts as failed too (not deleted,
 * received again after the failed one, in order); other groups are unaffected, and the caller
 * warns that on AWS those later messages would have been deleted out of order.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 */
export function fifoFailures(batch: readonly PipelineRecord[], reported: readonly PipelineRecord[]): FifoFailures {
  const reportedSet = new Set(reported);
  const groups = new Set<string>();
  const failed: PipelineRecord[] = [];
  const added: PipelineRecord[] = [];
  for (const record of batch) {
    const group = record.orderingKey;
    if (reportedSet.has(record)) {
      failed.push(record);
      if (group !== undefined) groups.add(group);
    } else if (group !== undefined && groups.has(group)) {
      failed.push(record);
      added.push(record);
    }
  }
  return { failed, added, groups };
}
