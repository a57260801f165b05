/**
 * The entry point of a local execution environment: a child Node process (or,
 * with `isolation: thread`, a worker thread) that plays Lambda's Node.js
 * runtime for one function. It loads the handler once
 * (Init), then runs one invocation at a time as sluice sends them, keeping
 * module scope warm between invocations.
 *
 * Like the Lambda runtime, an uncaught exception or an unhandled rejection
 * fails the invocation in flight with that error and ends the environment
 * (exit status 129 / 128); sluice then starts a fresh one for the next invoke.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
 */
import { performance } from 'node:perf_hooks';
import type { LambdaErrorPayload } from '../../invoker.js';
import { openChannel } from './channel.js';
import type { ChildMessage, InitMessage, InvokeMessage, ParentMessage } from './protocol.js';
import { runInvocation, type InvocationOutcome } from './invocation.js';
import { loadHandler, type Handler } from './load-handler.js';
import { patchConsole, setRequestId } from './log-patch.js';
import { formatForLog, toLambdaError, unhandledRejection } from './runtime-errors.js';

let handler: Handler | undefined;
let initializing = false;
let current: { readonly requestId: string; readonly startedAt: number } | undefined;
/** Set by the first uncaught error: the environment is ending and takes no more invocations. */
let dying = false;
let emptyEventLoopListener: (() => void) | undefined;
const channel = openChannel();

function send(message: ChildMessage): void {
  channel.send(message);
}

function report(requestId: string, startedAt: number, outcome: InvocationOutcome, fatal: boolean): void {
  const base = {
    type: 'result',
    requestId,
    durationMs: performance.now() - startedAt,
    maxMemoryUsedMB: channel.maxMemoryUsedMB(),
  } as const;
  send(outcome.ok ? { ...base, ok: true, payload: outcome.payload } : { ...base, ok: false, error: outcome.error, fatal });
}

/**
 * An error nothing caught: fail what is in flight, then end the environment once every
 * message already on its way has left. A result sent just before (a handler that answered,
 * then left a floating rejection) stays sent: that invocation succeeded, and only the
 * environment ends, as Lambda's runtime restarts after an unhandled rejection. Only the
 * first fatal error reports and chooses the exit status; later ones are only logged.
 */
function die(error: LambdaErrorPayload, exitCode: number): void {
  if (dying) return;
  dying = true;
  // From here on, nothing waits for an empty event loop: the channel keeps the environment
  // alive until its last messages have left.
  emptyEventLoopListener = undefined;
  channel.ref();
  if (initializing) {
    send({ type: 'init-error', error, initDurationMs: performance.now() });
  } else if (current !== undefined) {
    const { requestId, startedAt } = current;
    current = undefined;
    report(requestId, startedAt, { ok: false, error }, true);
  } else {
    // Sluice may already have sent the next invocation: it will know it never ran here.
    send({ type: 'ending' });
  }
  channel.afterSent(() => process.exit(exitCode));
}

async function init(message: InitMessage): Promise<void> {
  initializing = true;
  try {
    handler = await loadHandler(message);
    initializing = false;
    send({ type: 'ready', initDurationMs: performance.now() });
  } catch (err) {
    initializing = false;
    console.error('Init Error', formatForLog(err));
    // The environment is not usable any more: report, then end it.
    send({ type: 'init-error', error: toLambdaError(err), initDurationMs: performance.now() });
    channel.afterSent(() => process.exit(1));
  }
}

function invoke(message: InvokeMessage): void {
  if (dying) {
    send({ type: 'declined', requestId: message.requestId });
    return;
  }
  if (handler === undefined || current !== undefined) return;
  const startedAt = performance.now();
  current = { requestId: message.requestId, startedAt };
  setRequestId(message.requestId);
  // Let the event loop empty while the invocation runs, so that "nothing left
  // to do" can be observed (callbackWaitsForEmptyEventLoop, Runtime.NodeJsExit).
  channel.unref();
  runInvocation(handler, message, {
    onEmptyEventLoop: (listener) => {
      emptyEventLoopListener = listener;
    },
    finish: (outcome) => {
      if (current?.requestId !== message.requestId) return;
      current = undefined;
      channel.ref();
      report(message.requestId, startedAt, outcome, false);
      setRequestId(undefined);
    },
  });
}

patchConsole();

process.on('uncaughtException', (err) => {
  console.error('Uncaught Exception', formatForLog(err));
  die(toLambdaError(err), 129);
});
process.on('unhandledRejection', (reason) => {
  const err = unhandledRejection(reason);
  console.error('Unhandled Promise Rejection', formatForLog(err));
  die(toLambdaError(err), 128);
});
process.on('beforeExit', () => {
  const listener = emptyEventLoopListener;
  emptyEventLoopListener = undefined;
  if (listener !== undefined) {
    channel.ref();
    listener();
  }
});
channel.listen((message: ParentMessage) => {
  if (message.type === 'init') void init(message);
  else invoke(message);
});
