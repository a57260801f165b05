import { randomUUID } from 'node:crypto';
import type { CommandInvokerConfig, FunctionConfig } from '../../config/types.js';
import type { Logger } from '../../log.js';
import { parseJsonOrText, tail, timedOutError, toLambdaErrorPayload } from '../error-payload.js';
import type { InvokeOptions, InvokeResult, Invoker, LambdaErrorPayload } from '../invoker.js';
import { createEnvironmentPool } from './environment-pool.js';
import { lambdaEnvironment } from './lambda-environment.js';
import { startPersistentEnvironment, type EnvironmentOutcome } from './persistent-environment.js';
import { assertProgramRuns } from './resolve-program.js';
import { runOnce, type RunOnceOutcome } from './run-once.js';

export interface CommandInvokerDeps {
  readonly fn: FunctionConfig;
  readonly config: CommandInvokerConfig;
  readonly logger: Logger;
  /** For `AWS_REGION` and the function ARN; default `AWS_REGION` or `us-east-1`. */
  readonly region?: string;
  /** For the function ARN in the context; default `000000000000`. */
  readonly account?: string;
  /** Persistent mode: most processes at once; callers past it wait in FIFO order. Default unbounded. */
  readonly maxEnvironments?: number;
  /** Persistent mode: how long `close()` waits for a process to exit after its stdin closes; default 1 s. */
  readonly closeGraceMs?: number;
}

/** The last 4 KB of stderr go into `errorMessage` when a command fails. */
const STDERR_TAIL_BYTES = 4096;

/**
 * Runs a function written in any language as a command.
 *
 * **One-shot** (`persistent: false`): one process per invocation. The event JSON
 * is written to stdin (then closed); stdout is the result (empty → `null`, JSON →
 * parsed, else the text); stderr is the function's log (logged at debug). A
 * non-zero exit is a function error: the Lambda error payload printed on stdout
 * (`{"errorType": ..., "errorMessage": ..., "trace": [...]}`, whole stdout or last
 * line) when there is one, else `Runtime.ExitError` with the last 4 KB of stderr.
 * `SLUICE_REQUEST_ID` and `SLUICE_DEADLINE_MS` (epoch ms) are set for the process.
 *
 * **Persistent** (`persistent: true`): one long-lived process per concurrent
 * execution environment, kept warm between invocations (module-level state
 * survives, as in Lambda), one invocation at a time per process. Protocol,
 * newline-delimited JSON (UTF-8, one object per line, no newline inside):
 *
 * - sluice writes to stdin:
 *   `{"event": <event>, "context": {"awsRequestId": "...", "functionName": "...",
 *   "functionVersion": "$LATEST", "memoryLimitInMB": "128", "invokedFunctionArn": "...",
 *   "logGroupName": "/aws/lambda/...", "deadlineMs": <epoch ms>}}`
 * - the process answers with one line on stdout: `{"result": <value>}`, or
 *   `{"error": {"errorType": "...", "errorMessage": "...", "trace": ["..."]}}`
 *   for a function error.
 * - stderr lines are the function's logs; stdout lines that are not a response
 *   object are logged the same way.
 * - stdin closing (EOF) asks the process to exit; it is killed after a grace period.
 * - a process that exits fails its in-flight invocation with `Runtime.ExitError`;
 *   one that runs past the timeout is killed (its whole process group) and the
 *   invocation fails with `Sandbox.Timedout`. Either way a new process replaces it
 *   on demand.
 *
 * Both modes run with `process.env`, then the function's `environment`, then the
 * variables Lambda defines (`AWS_LAMBDA_FUNCTION_NAME`, `AWS_REGION`, ...); the
 * process leads its own process group so a timeout kills everything it started.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
 */
export function createCommandInvoker(deps: CommandInvokerDeps): Invoker {
  const { fn, config, logger } = deps;
  const region = deps.region ?? process.env['AWS_REGION'] ?? 'us-east-1';
  const account = deps.account ?? '000000000000';
  const timeoutMs = fn.timeout * 1000;
  const environment = (): Record<string, string> => lambdaEnvironment({ fn, region, cwd: config.cwd });

  const check = (): Promise<void> => assertProgramRuns(config.command, config.cwd, environment());

  if (!config.persistent) {
    return {
      async invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
        const requestId = randomUUID();
        const started = performance.now();
        const outcome = await runOnce({
          argv: config.command,
          cwd: config.cwd,
          env: { ...environment(), SLUICE_REQUEST_ID: requestId, SLUICE_DEADLINE_MS: String(Date.now() + timeoutMs) },
          input: JSON.stringify(event ?? null),
          timeoutMs,
          signal: options.signal,
          onLog: (line) => logger.debug({ requestId, line }, 'function.log'),
        });
        return toResult(requestId, performance.now() - started, fromRunOnce(outcome, requestId, fn.timeout));
      },
      check,
      async close(): Promise<void> {
        // Nothing outlives an invocation.
      },
    };
  }

  const pool = createEnvironmentPool({
    ...(deps.maxEnvironments === undefined ? {} : { maxEnvironments: deps.maxEnvironments }),
    start: () =>
      startPersistentEnvironment({
        argv: config.command,
        cwd: config.cwd,
        env: environment(),
        onLog: (line, stream) => logger.debug({ stream, line }, 'function.log'),
        onGone: (env) => {
          logger.debug({ pid: env.pid }, 'environment.gone');
          pool.remove(env);
        },
      }),
  });
  const functionArn = `arn:aws:lambda:${region}:${account}:function:${fn.name}`;

  return {
    async invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
      const requestId = randomUUID();
      const started = performance.now();
      const env = await pool.acquire(options.signal);
      const context = {
        awsRequestId: requestId,
        functionName: fn.name,
        functionVersion: '$LATEST',
        memoryLimitInMB: String(fn.memorySize),
        invokedFunctionArn: functionArn,
        logGroupName: `/aws/lambda/${fn.name}`,
        deadlineMs: Date.now() + timeoutMs,
      };
      let outcome: EnvironmentOutcome;
      try {
        outcome = await env.request(JSON.stringify({ event: event ?? null, context }), {
          timeoutMs,
          signal: options.signal,
        });
      } finally {
        pool.release(env);
      }
      return toResult(requestId, performance.now() - started, fromEnvironment(outcome, requestId, fn.timeout));
    },
    check,
    close: () => pool.close(deps.closeGraceMs ?? 1000),
  };
}

type Outcome = { readonly ok: true; readonly payload: unknown } | { readonly ok: false; readonly error: LambdaErrorPayload };

function toResult(requestId: string, durationMs: number, outcome: Outcome): InvokeResult {
  return outcome.ok
    ? { status: 'success', requestId, durationMs, payload: outcome.payload }
    : { status: 'function-error', requestId, durationMs, functionError: 'Unhandled', error: outcome.error };
}

function fromRunOnce(outcome: RunOnceOutcome, requestId: string, timeoutSeconds: number): Outcome {
  if (outcome.kind === 'timed-out') return { ok: false, error: timedOutError(requestId, timeoutSeconds) };
  if (outcome.stdoutTooLarge) {
    return {
      ok: false,
      error: { errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).' },
    };
  }
  if (outcome.code === 0) return { ok: true, payload: parseJsonOrText(outcome.stdout) };
  const reported = errorPayloadIn(outcome.stdout);
  if (reported !== undefined) return { ok: false, error: reported };
  return { ok: false, error: exitError(requestId, outcome.code, outcome.signal, outcome.stderrTail) };
}

function fromEnvironment(outcome: EnvironmentOutcome, requestId: string, timeoutSeconds: number): Outcome {
  switch (outcome.kind) {
    case 'result':
      return { ok: true, payload: outcome.payload };
    case 'error':
      return { ok: false, error: outcome.error };
    case 'timed-out':
      return { ok: false, error: timedOutError(requestId, timeoutSeconds) };
    case 'exited':
      return { ok: false, error: exitError(requestId, outcome.code, outcome.signal, outcome.stderrTail) };
  }
}

/** A Lambda error payload printed on stdout: the whole output, or its last line after some prints. */
function errorPayloadIn(stdout: string): LambdaErrorPayload | undefined {
  const whole = toLambdaErrorPayload(parseJsonOrText(stdout));
  if (whole !== undefined) return whole;
  const lastLine = stdout.trimEnd().split('\n').at(-1) ?? '';
  return toLambdaErrorPayload(parseJsonOrText(lastLine));
}

/**
 * `Runtime.ExitError`, with the last 4 KB of stderr as the message, or Lambda's
 * wording (`Runtime exited with error: exit status 1`) when stderr is empty.
 */
function exitError(requestId: string, code: number | null, signal: NodeJS.Signals | null, stderr: string): LambdaErrorPayload {
  const trimmed = tail(stderr, STDERR_TAIL_BYTES).trimEnd();
  const status = signal === null ? `exit status ${code ?? 'unknown'}` : `signal: ${signal}`;
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: trimmed !== '' ? trimmed : `RequestId: ${requestId} Error: Runtime exited with error: ${status}`,
  };
}
