import { AsyncLocalStorage } from 'node:async_hooks';
import pRetry from 'p-retry';
import { isRetryable } from '../errors.js';
import type { Logger } from '../log.js';

/** Told what a mapping waits for (`undefined` once it stopped waiting). */
export type WaitListener = (what: string | undefined) => void;

const waitListeners = new AsyncLocalStorage<WaitListener>();

/**
 * Runs `start` (a mapping's run) so that every `waitFor` inside it, however deep, reports to
 * `listener`: status and `/readyz` show a mapping whose resource does not exist yet.
 */
export function reportWaitsTo<T>(listener: WaitListener, start: () => T): T {
  return waitListeners.run(listener, start);
}

/**
 * Retries `attempt` until it succeeds, for a resource that may not exist yet
 * (LocalStack still starting, a stream being created): retryable errors back off up
 * to 5 s and are logged once per change of state, not once per try.
 */
export async function waitFor<T>(what: string, attempt: () => Promise<T>, logger: Logger, signal: AbortSignal): Promise<T> {
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
      waitListeners.getStore()?.(what);
      lastProblem = problem;
    },
  });
  if (lastProblem !== undefined) {
    waitListeners.getStore()?.(undefined);
    logger.info(`${what} is ready`);
  }
  return result;
}
