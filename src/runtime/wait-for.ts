import pRetry from 'p-retry';
import { isRetryable } from '../errors.js';
import type { Logger } from '../log.js';

/** Told what a mapping waits for (`undefined` once it stopped waiting). */
export type WaitListener = (what: string | undefined) => void;

/**
 * Retries `attempt` until it succeeds, for a resource that may not exist yet
 * (LocalStack still starting, a stream being created): retryable errors back off up
 * to 5 s and are logged once per change of state, not once per try. `onWait` hears what is
 * waited for, then `undefined` once it is there: status and `/readyz` show a mapping whose
 * resource does not exist yet. (An explicit listener, not AsyncLocalStorage: on Node 20 the
 * latter turns on promise hooks for the whole process, a tax on every promise of every poller.)
 */
export async function waitFor<T>(
  what: string,
  attempt: () => Promise<T>,
  logger: Logger,
  signal: AbortSignal,
  onWait?: WaitListener,
): Promise<T> {
  let lastProblem: string | undefined;
  const result = await pRetry(attempt, {
    retries: Number.POSITIVE_INFINITY,
    minTimeout: 200,
    maxTimeout: 5_000,
    signal,
    shouldRetry: ({ error }) => isRetryable(error),
    onFailedAttempt: ({ error }) => {
      const problem = `${(error as { code?: string }).code ?? error.name}: ${error.message}`;
      if (problem !== lastProblem) logger.warn({ err: error }, `waiting for ${what}`);
      onWait?.(what);
      lastProblem = problem;
    },
  });
  if (lastProblem !== undefined) {
    onWait?.(undefined);
    logger.info(`${what} is ready`);
  }
  return result;
}
