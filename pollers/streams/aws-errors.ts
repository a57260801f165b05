import { SluiceError } from '../../src/errors.js';

/** The name of an AWS SDK v3 error (`ExpiredIteratorException`, ...), or undefined. */
export function awsErrorName(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string'
    ? (err as { name: string }).name
    : undefined;
}

const THROTTLES = new Set(['ProvisionedThroughputExceededException', 'LimitExceededException', 'ThrottlingException']);
const MISSING = new Set(['ResourceNotFoundException', 'ResourceInUseException']);

/**
 * Maps a stream service error to the engine's vocabulary: `ExpiredIterator` (get a new
 * iterator), `Throttled` (back off; not a failure), `TrimmedData` (records expired
 * before they were read), `ResourceNotFound` (retryable: the stream may not exist yet,
 * e.g. LocalStack still starting), and anything else retryable unless it is a client error.
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html#API_GetRecords_Errors
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html#API_streams_GetRecords_Errors
 */
export function toStreamError(err: unknown, what: string): SluiceError {
  if (err instanceof SluiceError) return err;
  const name = awsErrorName(err) ?? 'Error';
  const message = `${what}: ${err instanceof Error ? err.message : String(err)}`;
  if (name === 'ExpiredIteratorException') return new SluiceError('ExpiredIterator', message, { cause: err });
  if (THROTTLES.has(name)) return new SluiceError('Throttled', message, { retryable: true, cause: err });
  // Never retried as is (the same call cannot succeed): the shard consumer moves to TRIM_HORIZON.
  if (name === 'TrimmedDataAccessException') return new SluiceError('TrimmedData', message, { retryable: false, cause: err });
  if (MISSING.has(name)) return new SluiceError('ResourceNotFound', message, { retryable: true, cause: err });
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const clientError = status !== undefined && status >= 400 && status < 500 && status !== 429;
  return new SluiceError('StreamReadFailed', message, { retryable: !clientError, cause: err });
}
