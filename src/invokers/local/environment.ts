/**
 * One local execution environment, seen from sluice: a child Node process or a
 * worker thread (see `process-host.ts` and `thread-host.ts` for what each
 * isolates) running `runtime/runtime-main`, its Init phase, and one invocation
 * at a time with the function timeout enforced from outside (the process is
 * killed, the thread terminated, as Lambda stops a timed-out environment).
 */
import type { Clock } from '../../clock.js';
import type { FunctionConfig, LocalInvokerConfig } from '../../config/types.js';
import type { LambdaErrorPayload } from '../invoker.js';
import { handlerName, lambdaEnvironment } from './environment-variables.js';
import type { Host } from './host.js';
import type { EnvironmentExit } from './platform-errors.js';
import { startProcess } from './process-host.js';
import type { ChildMessage, InvokeMessage, ParentMessage, ResultMessage } from './runtime/protocol.js';
import { startThread } from './thread-host.js';

/** A function whose invoker is a local handler module. */
export type LocalFunctionConfig = FunctionConfig & { readonly invoker: LocalInvokerConfig };

/** Where the environments' stdout and stderr go. */
export interface OutputStreams {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface EnvironmentOptions {
  readonly fn: LocalFunctionConfig;
  readonly region: string;
  readonly clock: Clock;
  readonly output: OutputStreams;
  readonly logStreamName: string;
  /** The entry script (see `resolveRuntimeEntry`). */
  readonly entry: Promise<string>;
  /** Lambda's Init phase limit, 10 s. */
  readonly initTimeoutMs: number;
}

export type InitResult =
  | { readonly kind: 'ready'; readonly initDurationMs: number }
  | { readonly kind: 'error'; readonly error: LambdaErrorPayload; readonly initDurationMs: number }
  | { readonly kind: 'exit'; readonly exit: EnvironmentExit }
  | { readonly kind: 'timeout' };

export type InvocationResult =
  | { readonly kind: 'result'; readonly message: ResultMessage }
  /** The environment is ending and did not start the invocation (see `DeclinedMessage`). */
  | { readonly kind: 'declined' }
  | { readonly kind: 'exit'; readonly exit: EnvironmentExit }
  | { readonly kind: 'timeout' };

export interface Environment {
  readonly logStreamName: string;
  /** True once the process or thread has ended (or failed to start). */
  readonly exited: boolean;
  /** Resolves when the process or thread has ended, for whatever reason. */
  readonly ended: Promise<EnvironmentExit>;
  /** Starts the process or thread and runs Init, once; later calls return the same result. */
  init(): Promise<InitResult>;
  /** Runs one invocation; call only after a `ready` init and never concurrently. */
  invoke(message: InvokeMessage, timeoutMs: number): Promise<InvocationResult>;
  /** Ends the process (SIGKILL) or thread and resolves once it is gone. */
  kill(): Promise<void>;
}

/** Creates an environment; nothing starts until `init()`. */
export function createEnvironment(options: EnvironmentOptions): Environment {
  const { fn, clock } = options;
  let host: Host | undefined;
  let exited = false;
  let initResult: Promise<InitResult> | undefined;
  let onMessage: ((message: ChildMessage) => void) | undefined;
  /** The runtime said it is ending with no invocation running (see `EndingMessage`). */
  let ending = false;
  // The phase waiting on the process (Init or one invocation) hears of its exit here, not by
  // racing `exitPromise`: a race adds a reaction to that long-lived promise per invocation,
  // kept until the environment ends (millions, for a warm environment of a busy mapping).
  let onExit: ((exit: EnvironmentExit) => void) | undefined;
  let resolveExit: (exit: EnvironmentExit) => void = () => undefined;
  const exitPromise = new Promise<EnvironmentExit>((resolve) => {
    resolveExit = (exit) => {
      if (exited) return;
      exited = true;
      resolve(exit);
      onExit?.(exit);
    };
  });

  function start(entry: string): Host {
    const startHost = fn.invoker.isolation === 'thread' ? startThread : startProcess;
    return startHost(
      { fn, entry, env: lambdaEnvironment({ fn, region: options.region, logStreamName: options.logStreamName }), output: options.output },
      {
        onMessage: (message) => {
          if (message.type === 'ending') ending = true;
          onMessage?.(message);
        },
        onExit: resolveExit,
      },
    );
  }

  type Ended = { readonly kind: 'exit'; readonly exit: EnvironmentExit } | { readonly kind: 'timeout' };

  /**
   * Sends `message` and resolves with the first of: what `answer` makes of a message from the
   * process, the process's exit, or a timeout after `timeoutMs`.
   */
  async function exchange<T>(
    target: Host,
    message: ParentMessage,
    timeoutMs: number,
    answer: (msg: ChildMessage) => T | undefined,
  ): Promise<T | Ended> {
    let stopTimer: (() => void) | undefined;
    try {
      return await new Promise<T | Ended>((resolve) => {
        onMessage = (msg) => {
          const outcome = answer(msg);
          if (outcome !== undefined) resolve(outcome);
        };
        onExit = (exit) => resolve({ kind: 'exit', exit });
        stopTimer = clock.timer(timeoutMs, () => resolve({ kind: 'timeout' }));
        target.send(message);
      });
    } finally {
      stopTimer?.();
      onMessage = undefined;
      onExit = undefined;
    }
  }

  async function runInit(): Promise<InitResult> {
    const entry = await options.entry;
    if (exited) return { kind: 'exit', exit: await exitPromise };
    const started = start(entry);
    host = started;
    const init = { type: 'init', modulePath: fn.invoker.modulePath, exportName: fn.invoker.exportName, handlerName: handlerName(fn.invoker) } as const;
    const result: InitResult = await exchange<InitResult>(started, init, options.initTimeoutMs, (msg) =>
      msg.type === 'ready'
        ? { kind: 'ready', initDurationMs: msg.initDurationMs }
        : msg.type === 'init-error'
          ? { kind: 'error', error: msg.error, initDurationMs: msg.initDurationMs }
          : undefined,
    );
    if (result.kind !== 'ready') await kill();
    return result;
  }

  async function kill(): Promise<void> {
    if (exited) return;
    if (host === undefined) {
      resolveExit({ code: null, signal: null, outOfMemory: false });
      return;
    }
    host.kill();
    await exitPromise;
  }

  return {
    logStreamName: options.logStreamName,
    get exited() {
      return exited;
    },
    ended: exitPromise,
    init() {
      initResult ??= runInit();
      return initResult;
    },
    async invoke(message, timeoutMs) {
      if (ending) return { kind: 'declined' };
      const target = host;
      if (target === undefined || exited) return { kind: 'exit', exit: await exitPromise };
      const outcome: InvocationResult = await exchange<InvocationResult>(target, message, timeoutMs, (msg) =>
        msg.type === 'result' && msg.requestId === message.requestId
          ? { kind: 'result', message: msg }
          : msg.type === 'declined' && msg.requestId === message.requestId
            ? { kind: 'declined' }
            : undefined,
      );
      if (outcome.kind === 'timeout') await kill();
      // Ended without answering, after saying it was ending with nothing running: it never started this one.
      if (outcome.kind === 'exit' && ending) return { kind: 'declined' };
      return outcome;
    },
    kill,
  };
}
