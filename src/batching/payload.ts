import type { PipelineRecord } from '../records.js';

/**
 * Lambda's synchronous invocation payload limit, 6 MB, which closes a batch early.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** `{"Records":[` + `]}`: the envelope around the records. */
const ENVELOPE_BYTES = '{"Records":[]}'.length;

/** Bytes of `{"Records":[...]}` holding these records. */
export function batchPayloadBytes(records: readonly PipelineRecord[]): number {
  let total = ENVELOPE_BYTES + Math.max(0, records.length - 1);
  for (const record of records) total += record.sizeBytes;
  return total;
}

export interface BatchLimits {
  /** `batchSize`. */
  readonly maxRecords: number;
  /** Default: the 6 MB invoke payload limit. */
  readonly maxPayloadBytes?: number;
}

/**
 * How many leading records of `buffer` form the next batch: at most `maxRecords`,
 * and no more than fit in the payload limit. A single record larger than the
 * limit still forms a batch of one (the invoke then fails as too large, and the
 * failure policy decides, as Lambda does).
 */
export function nextBatchLength(buffer: readonly PipelineRecord[], limits: BatchLimits): number {
  const maxBytes = limits.maxPayloadBytes ?? MAX_INVOKE_PAYLOAD_BYTES;
  let bytes = ENVELOPE_BYTES;
  let count = 0;
  for (const record of buffer) {
    if (count >= limits.maxRecords) break;
    const added = record.sizeBytes + (count > 0 ? 1 : 0);
    if (count > 0 && bytes + added > maxBytes) break;
    bytes += added;
    count += 1;
  }
  return count;
}

/** True when the buffer already holds a full batch (by count or by payload size). */
export function isBatchFull(buffer: readonly PipelineRecord[], limits: BatchLimits): boolean {
  const length = nextBatchLength(buffer, limits);
  return length >= limits.maxRecords || length < buffer.length;
}
