import { SluiceError } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import { awsErrorName } from '../streams/aws-errors.js';

/**
 * Errors no retry can cure: the request itself is wrong (a malformed queue URL, a bad
 * parameter). Everything else (connection refused, throttling, a queue that does not
 * exist yet, access denied while a policy is being fixed, 5xx) is retried with backoff.
 */
const PERMANENT = new Set([
  'InvalidAddress',
  'InvalidParameterValue',
  'InvalidAttributeName',
  'InvalidAttributeValue',
  'ValidationException',
  'UnsupportedOperation',
  'BatchEntryIdsNotDistinct',
  'EmptyBatchRequest',
  'InvalidBatchEntryId',
  'TooManyEntriesInBatchRequest',
]);

const MISSING = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);

/** The error's AWS code: the SDK's exception name, the query-protocol `Code`, or a Node `code` (ECONNREFUSED). */
export function sqsErrorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'Error';
  if (err instanceof SluiceError) return err.code;
  const { Code, code } = err as { Code?: unknown; code?: unknown };
  const name = awsErrorName(err);
  if (name !== undefined && name !== 'Error' && name !== 'TypeError') return name;
  if (typeof Code === 'string') return Code;
  if (typeof code === 'string') return code;
  const cause = (err as { cause?: unknown }).cause;
  return cause === undefined ? (name ?? 'Error') : sqsErrorCode(cause);
}

/**
 * An SQS error in sluice's vocabulary: code `QueueDoesNotExist` (retryable: the queue may
 * not exist yet, e.g. LocalStack still starting), `SqsRequestInvalid` (not retryable), or
 * `SqsUnavailable` (retryable), keeping the SDK error (with its `$metadata`) as `cause`.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html
 */
export function toQueueError(err: unknown, what: string): SluiceError {
  if (err instanceof SluiceError) return err;
  const code = sqsErrorCode(err);
  const message = `${what}: ${code}: ${err instanceof Error ? err.message : String(err)}`;
  if (MISSING.has(code)) return new SluiceError('QueueDoesNotExist', message, { retryable: true, cause: err });
  if (PERMANENT.has(code)) return new SluiceError('SqsRequestInvalid', message, { retryable: false, cause: err });
  return new SluiceError('SqsUnavailable', message, { retryable: true, cause: err });
}

/** What the problem log records: one warning per change of problem, one info when calls succeed again. */
export interface ProblemLog {
  /** A try of a call starts: pass what this returns to `succeeded` if it succeeds. */
  begin(): number;
  /** A call failed: logged (warn) only when the problem differs from the last one. */
  failed(what: string, err: unknown): void;
  /**
   * A try begun at `begun` succeeded: logs once that the queue is reachable again, after a
   * problem, unless some call failed after this one was sent: a long poll sent before the queue
   * was deleted can still come back empty, and says nothing about the queue now.
   */
  succeeded(begun: number): void;
}

/**
 * Logs SQS trouble once per change of state, not once per poll: five receive loops
 * meeting the same refused connection every second make one line, and one more when
 * calls succeed again.
 */
export function createProblemLog(logger: Logger, onFailing?: (failing: boolean) => void): ProblemLog {
  let current: string | undefined;
  let failures = 0;
  return {
    begin: () => failures,
    failed(what, err) {
      failures += 1;
      const cause = err instanceof SluiceError && err.cause !== undefined ? err.cause : err;
      const problem = sqsErrorCode(cause);
      if (problem === current) return;
      if (current === undefined) onFailing?.(true);
      current = problem;
      logger.warn({ err, call: what, problem }, 'SQS call failing; retrying with backoff');
    },
    succeeded(begun) {
      if (current === undefined || begun !== failures) return;
      logger.info({ problem: current }, 'SQS calls succeed again');
      current = undefined;
      onFailing?.(false);
    },
  };
}
