import type { PipelineRecord } from '../records.js';

/**
 * What a function's response says about a batch when `ReportBatchItemFailures` is on.
 *
 * Complete success: an empty or null `batchItemFailures` list, an empty or null response
 * (`null`, no value, `{}`, `[]`).
 * Complete failure: an empty-string, null or missing `itemIdentifier`, one that names no
 * record of the batch, or a response that is not an event response object.
 * Several failures of one record count once; `partial` lists identifiers, and callers
 * report the failed records in batch order.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 */
export type BatchResponseVerdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly failedIdentifiers: ReadonlySet<string> }
  | { readonly kind: 'invalid'; readonly reason: string };

export function interpretBatchResponse(
  payload: unknown,
  records: readonly PipelineRecord[],
): BatchResponseVerdict {
  if (payload === null || payload === undefined) return { kind: 'success' };
  // An empty list is an empty event response, as LocalStack and Lambda treat it.
  if (Array.isArray(payload) && payload.length === 0) return { kind: 'success' };
  if (typeof payload !== 'object' || Array.isArray(payload)) {
    return { kind: 'invalid', reason: `the response is not an object with batchItemFailures (got ${describe(payload)})` };
  }
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return { kind: 'success' };
  if (!Array.isArray(failures)) {
    return { kind: 'invalid', reason: `batchItemFailures is not a list (got ${describe(failures)})` };
  }
  if (failures.length === 0) return { kind: 'success' };
  const known = new Set(records.map((r) => r.itemIdentifier));
  const failed = new Set<string>();
  for (const [index, entry] of failures.entries()) {
    const id = typeof entry === 'object' && entry !== null ? (entry as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '') {
      return { kind: 'invalid', reason: `batchItemFailures[${index}].itemIdentifier is missing, null or empty` };
    }
    if (!known.has(id)) {
      return { kind: 'invalid', reason: `batchItemFailures[${index}].itemIdentifier "${id}" names no record of the batch` };
    }
    failed.add(id);
  }
  return { kind: 'partial', failedIdentifiers: failed };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
