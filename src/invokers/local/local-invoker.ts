/**
 * The local invoker: runs a Node handler module as Lambda's Node.js runtime
 * does, in a pool of isolated execution environments (child processes, or
 * worker threads with `isolation: thread`; see `process-host.ts` and
 * `thread-host.ts` for what each isolates).
 *
 * - Module scope runs once per environment (Init) and stays warm between invocations.
 * - One invocation at a time per environment; more environments on demand up
 *   to `maxEnvironments`; further callers wait in FIFO order.
 * - The function timeout kills the environment: `Sandbox.Timedout`, and the
 *   next invocation starts cold.
 * - Handler output (`console.*`, in Lambda's text format
 *   `<time>\t<request id>\t<LEVEL>\t<message>`) goes to sluice's stdout/stderr
 *   unless `output` says otherwise.
 * - An `InvokeOptions.signal` aborted while the caller waits for an environment
 *   rejects with the signal's reason; once the handler runs, it is not
 *   interrupted (Lambda cannot cancel a running invocation either), and the
 *   invocation's result is returned.
 * - `invocationType` only selects the request size limit (6 MB synchronous,
 *   1 MB `Event`): the result is returned either way, so the caller can apply
 *   the asynchronous-invocation rules itself. Larger events throw
 *   `RequestEntityTooLarge`; responses over 6 MB are `Function.ResponseSizeTooLarge`.
 * - Every error the runtime or the platform reports is an `Unhandled` function
 *   error, as the Invoke API reports them for Node.js functions today.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../clock.js';
import type { FunctionConfig } from '../../config/types.js';
import { SluiceError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { InvokerErrorCode, type InvokeOptions, type InvokeResult, type Invoker, type LambdaErrorPayload } from '../invoker.js';
import { createEnvironment, type InitResult, type LocalFunctionConfig, type OutputStreams } from './environment.js';
import { createEnvironmentPool, type PooledEnvironment } from './environment-pool.js';
import { newLogStreamName } from './environment-variables.js';
import { assertRequestSize, responseSizeError } from './payload-limits.js';
import { exitError, timeoutError } from './platform-errors.js';
import { resolveRuntimeEntry } from './runtime-entry.js';

export type { OutputStreams } from './environment.js';

/** Lambda's limit on the Init phase of an on-demand environment. */
const INIT_TIMEOUT_MS = 10_000;
/** Environments that may decline one invocation (they were ending) before the last one must run it. */
const MAX_DECLINES = 3;

export interface LocalInvokerOptions {
  /** The function; its `invoker` must be of type `local`. */
  readonly fn: FunctionConfig;
  readonly region: string;
  readonly account: string;
  readonly logger: Logger;
  /** Maximum concurrent execution environments; default unbounded. */
  readonly maxEnvironments?: number;
  readonly clock?: Clock;
  /** Where handler stdout/stderr go; default sluice's own. */
  readonly output?: OutputStreams;
}

export interface LocalInvoker extends Invoker {
  /** Starts one environment and loads the module; throws `HandlerLoadFailed` naming file, export and cause. */
  check(): Promise<void>;
  /** Retires every warm environment (in-flight invocations finish first); the next invocation loads the module afresh. */
  reload(): Promise<void>;
  /** Environments alive or starting. */
  readonly environments: number;
}

function isLocal(fn: FunctionConfig): fn is LocalFunctionConfig {
  return fn.invoker.type === 'local';
}

/**
 * A thread cannot have Lambda's `TZ=:UTC` (the time zone is process-wide): say so when
 * sluice's own is not UTC, so dates that differ from Lambda's are not a mystery.
 */
function warnOfSharedTimeZone(logger: Logger, binding: Record<string, string>): void {
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return;
  logger.warn(
    { ...binding, timeZone },
    `isolation: thread runs the handler in sluice's time zone (${timeZone}), not Lambda's UTC; start sluice with TZ=UTC, or use isolation: process`,
  );
}

/** Creates the invoker; no environment starts until `check()` or the first `invoke()`. */
export function createLocalInvoker(options: LocalInvokerOptions): LocalInvoker {
  const { fn: config, logger } = options;
  if (!isLocal(config)) {
    throw new TypeError(`createLocalInvoker: function "${config.name}" has invoker type "${config.invoker.type}", not "local"`);
  }
  const fn = config;
  const max = options.maxEnvironments ?? Number.POSITIVE_INFINITY;
  if (!(max === Number.POSITIVE_INFINITY || (Number.isInteger(max) && max >= 1))) {
    throw new RangeError(`createLocalInvoker: maxEnvironments must be a positive integer, got ${String(options.maxEnvironments)}`);
  }
  const clock = options.clock ?? systemClock;
  const output = options.output ?? { stdout: process.stdout, stderr: process.stderr };
  const entry = resolveRuntimeEntry();
  entry.catch(() => undefined); // reported by the first init that awaits it
  const arn = `arn:aws:lambda:${options.region}:${options.account}:function:${fn.name}`;
  const timeoutMs = fn.timeout * 1000;
  // The composition root may already have bound `function` on the logger: do not repeat it.
  const functionBinding = logger.bindings()['function'] === fn.name ? {} : { function: fn.name };
  const pool = createEnvironmentPool({
    max,
    create: () =>
      createEnvironment({
        fn,
        region: options.region,
        clock,
        output,
        entry,
        logStreamName: newLogStreamName(clock.now()),
        initTimeoutMs: INIT_TIMEOUT_MS,
      }),
  });
  if (fn.invoker.isolation === 'thread') warnOfSharedTimeZone(logger, functionBinding);
  let closed = false;
  const closedError = (): SluiceError =>
    new SluiceError(InvokerErrorCode.InvokerUnavailable, `local invoker for function "${fn.name}" is closed`);

  function initFailure(requestId: string, init: Exclude<InitResult, { kind: 'ready' }>): LambdaErrorPayload {
    if (init.kind === 'error') return init.error;
    if (init.kind === 'exit') return exitError(requestId, init.exit);
    return timeoutError(requestId, INIT_TIMEOUT_MS / 1000);
  }

  async function initialize(slot: PooledEnvironment): Promise<InitResult> {
    try {
      return await slot.env.init();
    } catch (err) {
      slot.discard = true;
      throw new SluiceError(InvokerErrorCode.InvokerUnavailable, `cannot start an environment for function "${fn.name}"`, {
        cause: err,
      });
    }
  }

  /**
   * Runs one invocation in `slot`; undefined when the environment declined it (it is ending),
   * so that the caller runs it in another, as Lambda would: an ending runtime asks for no
   * more work. The request id stays the same; each environment it went to logs a START.
   */
  async function run(slot: PooledEnvironment, event: string, request: { readonly requestId: string; readonly mayDecline: boolean }): Promise<InvokeResult | undefined> {
    const { requestId } = request;
    const log = logger.child({ requestId, ...functionBinding });
    const startedAt = clock.now();
    const cold = slot.invocations === 0;
    slot.invocations += 1;
    log.info({ version: '$LATEST', logStreamName: slot.env.logStreamName }, 'START');

    const finish = (result: InvokeResult, extra: { initDurationMs?: number; outcome: string }): InvokeResult => {
      log.info('END');
      const report: Record<string, unknown> = {
        durationMs: Math.round(result.durationMs * 100) / 100,
        billedDurationMs: Math.ceil(result.durationMs),
        memorySizeMB: fn.memorySize,
        maxMemoryUsedMB: slot.maxMemoryUsedMB,
        outcome: extra.outcome,
      };
      if (cold && extra.initDurationMs !== undefined) report['initDurationMs'] = Math.round(extra.initDurationMs * 100) / 100;
      if (result.status === 'function-error') report['errorType'] = result.error.errorType;
      log.info(report, 'REPORT');
      return result;
    };
    const failed = (error: LambdaErrorPayload, durationMs: number, outcome: string, initDurationMs?: number): InvokeResult =>
      finish(
        { status: 'function-error', requestId, durationMs, functionError: 'Unhandled', error },
        initDurationMs === undefined ? { outcome } : { outcome, initDurationMs },
      );

    const init = await initialize(slot);
    if (init.kind !== 'ready') {
      slot.discard = true;
      if (closed) throw closedError();
      const initDurationMs = init.kind === 'error' ? init.initDurationMs : undefined;
      return failed(initFailure(requestId, init), clock.now() - startedAt, 'init-error', initDurationMs);
    }

    const outcome = await slot.env.invoke(
      { type: 'invoke', requestId, event, timeoutMs, invokedFunctionArn: arn },
      timeoutMs,
    );
    if (outcome.kind === 'result') {
      const { message } = outcome;
      slot.maxMemoryUsedMB = Math.max(slot.maxMemoryUsedMB, message.maxMemoryUsedMB);
      if (message.ok) {
        const tooLarge = responseSizeError(message.payload);
        if (tooLarge !== undefined) return failed(tooLarge, message.durationMs, 'error', init.initDurationMs);
        const result: InvokeResult = { status: 'success', requestId, durationMs: message.durationMs, payload: JSON.parse(message.payload) };
        return finish(result, { outcome: 'success', initDurationMs: init.initDurationMs });
      }
      if (message.fatal) slot.discard = true;
      return failed(message.error, message.durationMs, message.fatal ? 'crash' : 'error', init.initDurationMs);
    }
    slot.discard = true;
    if (closed) throw closedError();
    if (outcome.kind === 'declined') {
      if (request.mayDecline) {
        log.info({ logStreamName: slot.env.logStreamName }, 'environment ending (an uncaught error after its last answer); the invocation goes to another');
        return undefined;
      }
      const exit = await slot.env.ended;
      return failed(exitError(requestId, exit), clock.now() - startedAt, 'crash', init.initDurationMs);
    }
    if (outcome.kind === 'timeout') {
      log.warn({ timeoutSeconds: fn.timeout }, 'invocation timed out; environment stopped');
      return failed(timeoutError(requestId, fn.timeout), clock.now() - startedAt, 'timeout', init.initDurationMs);
    }
    log.warn({ exitCode: outcome.exit.code, signal: outcome.exit.signal }, 'environment exited during the invocation');
    return failed(exitError(requestId, outcome.exit), clock.now() - startedAt, 'crash', init.initDurationMs);
  }

  return {
    get environments() {
      return pool.size;
    },

    async invoke(event: unknown, invokeOptions?: InvokeOptions): Promise<InvokeResult> {
      if (closed) throw closedError();
      const payload = JSON.stringify(event) ?? 'null';
      assertRequestSize(fn.name, payload, invokeOptions?.invocationType ?? 'RequestResponse');
      const request = { requestId: randomUUID(), mayDecline: true };
      for (let attempt = 1; ; attempt += 1) {
        // An environment declines only while it is ending; a fresh one that ends as soon as it
        // is ready (a timer in module scope that throws) gets the invocation at the last try.
        request.mayDecline = attempt < MAX_DECLINES;
        const slot = await pool.acquire(invokeOptions?.signal);
        try {
          const result = await run(slot, payload, request);
          if (result !== undefined) return result;
        } finally {
          pool.release(slot);
        }
      }
    },

    async check(): Promise<void> {
      if (closed) throw closedError();
      const slot = await pool.acquire();
      try {
        const init = await initialize(slot);
        if (init.kind === 'ready') return;
        slot.discard = true;
        if (closed) throw closedError();
        const error = initFailure('(init)', init);
        const cause = Object.assign(new Error(error.errorMessage), { name: error.errorType });
        if (error.trace !== undefined) cause.stack = error.trace.join('\n');
        throw new SluiceError(
          InvokerErrorCode.HandlerLoadFailed,
          `function "${fn.name}": cannot load handler "${fn.invoker.exportName}" from ${fn.invoker.modulePath}: ${error.errorType}: ${error.errorMessage}`,
          { cause },
        );
      } finally {
        pool.release(slot);
      }
    },

    async reload(): Promise<void> {
      if (closed) return;
      logger.info(functionBinding, 'reloading handler: warm environments retired');
      await pool.retireAll();
    },

    async close(): Promise<void> {
      closed = true;
      await pool.close(closedError());
    },
  };
}
