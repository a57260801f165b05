import type { PipelineRecord } from '../records.js';
import type { BatchOutcome } from './invoke-batch.js';

/** Why Lambda gave up on a stream batch. */
export type StreamDiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface StreamFailureContext {
  readonly source: 'kinesis' | 'dynamodb';
  readonly functionArn: string;
  readonly streamArn: string;
  readonly shardId: string;
  readonly condition: StreamDiscardCondition;
  /** Invocations of this batch so far. */
  readonly approximateInvokeCount: number;
  /** The last invocation's outcome, if the batch was invoked at all. */
  readonly lastOutcome?: BatchOutcome;
  readonly now: Date;
}

/**
 * The invocation record Lambda sends to a stream mapping's on-failure destination:
 * metadata about the discarded batch, not the records themselves.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
 * @example
 * {"requestContext":{"requestId":"c9b8fa9f-...","functionArn":"arn:aws:lambda:us-east-2:123456789012:function:myfunction",
 *   "condition":"RetryAttemptsExhausted","approximateInvokeCount":1},
 *  "responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},
 *  "version":"1.0","timestamp":"2019-11-14T00:38:06.021Z",
 *  "KinesisBatchInfo":{"shardId":"shardId-000000000001","startSequenceNumber":"4960...","endSequenceNumber":"4960...",
 *   "approximateArrivalOfFirstRecord":"2019-11-14T00:38:04.835Z","approximateArrivalOfLastRecord":"2019-11-14T00:38:05.580Z",
 *   "batchSize":500,"streamArn":"arn:aws:kinesis:us-east-2:123456789012:stream/mystream"}}
 */
export function streamFailureRecord(
  records: readonly PipelineRecord[],
  context: StreamFailureContext,
): Record<string, unknown> {
  const first = records[0];
  const last = records[records.length - 1];
  if (first === undefined || last === undefined) throw new RangeError('streamFailureRecord needs at least one record');
  const outcome = context.lastOutcome;
  const batchInfo = {
    shardId: context.shardId,
    startSequenceNumber: first.sequenceNumber ?? first.itemIdentifier,
    endSequenceNumber: last.sequenceNumber ?? last.itemIdentifier,
    approximateArrivalOfFirstRecord: new Date(first.arrivalTime).toISOString(),
    approximateArrivalOfLastRecord: new Date(last.arrivalTime).toISOString(),
    batchSize: records.length,
    streamArn: context.streamArn,
  };
  return {
    requestContext: {
      requestId: outcome?.requestId ?? crypto.randomUUID(),
      functionArn: context.functionArn,
      condition: context.condition,
      approximateInvokeCount: context.approximateInvokeCount,
    },
    responseContext: responseContext(outcome),
    version: '1.0',
    timestamp: context.now.toISOString(),
    [context.source === 'kinesis' ? 'KinesisBatchInfo' : 'DDBStreamBatchInfo']: batchInfo,
  };
}

/**
 * What the last invocation answered: 200 and the function error when the function ran,
 * 413 when the payload was too large, 0 when the function was never reached.
 */
function responseContext(outcome: BatchOutcome | undefined): Record<string, unknown> {
  if (outcome === undefined || (outcome.kind === 'failure' && outcome.reason === 'InvokerError')) {
    return { statusCode: 0, executedVersion: '$LATEST', functionError: '' };
  }
  if (outcome.kind === 'failure' && outcome.reason === 'PayloadTooLarge') {
    return { statusCode: 413, executedVersion: '$LATEST', functionError: '' };
  }
  return {
    statusCode: 200,
    executedVersion: '$LATEST',
    functionError: outcome.kind === 'failure' ? (outcome.functionError ?? 'Unhandled') : '',
  };
}

/** Builds a function ARN the way Lambda prints it. */
export function functionArn(region: string, account: string, name: string): string {
  return name.startsWith('arn:') ? name : `arn:aws:lambda:${region}:${account}:function:${name}`;
}
