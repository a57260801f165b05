/**
 * One local execution environment, seen from sluice: a child Node process
 * running `runtime/runtime-main`, its Init phase, and one invocation at a time
 * with the function timeout enforced from outside (the process is killed, as
 * Lambda stops a timed-out environment).
 *
 * A child process rather than a worker thread, because a worker cannot have
 * what a Lambda environment has: its own time zone (`TZ=:UTC` is process-wide
 * in Node), its own working directory (`process.chdir` is unsupported in
 * workers), a memory ceiling and peak RSS of its own, native addons loaded
 * afresh (non-context-aware addons load once per process, so a second worker
 * or a reload would fail), and crashes that cannot take sluice down.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Clock } from '../../clock.js';
import type { FunctionConfig, LocalInvokerConfig } from '../../config/types.js';
import type { LambdaErrorPayload } from '../invoker.js';
import { handlerName, lambdaEnvironment, taskRoot } from './environment-variables.js';
import type { EnvironmentExit } from './platform-errors.js';
import type { ChildMessage, InvokeMessage, ParentMessage, ResultMessage } from './runtime/protocol.js';
import { cancel } from '../../util/cancel.js';

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
  | { readonly kind: 'exit'; readonly exit: EnvironmentExit }
  | { readonly kind: 'timeout' };

export interface Environment {
  readonly logStreamName: string;
  /** The process id, once started. */
  readonly pid: number | undefined;
  /** True once the process has ended (or failed to start). */
  readonly exited: boolean;
  /** Resolves when the process has ended, for whatever reason. */
  readonly ended: Promise<EnvironmentExit>;
  /** Starts the process and runs Init, once; later calls return the same result. */
  init(): Promise<InitResult>;
  /** Runs one invocation; call only after a `ready` init and never concurrently. */
  invoke(message: InvokeMessage, timeoutMs: number): Promise<InvocationResult>;
  /** Ends the process (SIGKILL) and resolves once it is gone. */
  kill(): Promise<void>;
}

const OOM_MARKER = 'JavaScript heap out of memory';
/** How long to wait for stdio and IPC to drain after the process exits. */
const EXIT_GRACE_MS = 500;

/** Creates an environment; nothing starts until `init()`. */
export function createEnvironment(options: EnvironmentOptions): Environment {
  const { fn, clock } = options;
  let child: ChildProcess | undefined;
  let exited = false;
  let outOfMemory = false;
  let initResult: Promise<InitResult> | undefined;
  let onMessage: ((message: ChildMessage) => void) | undefined;
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

  function start(entry: string): ChildProcess {
    const root = taskRoot(fn.invoker);
    const proc = fork(entry, [], {
      cwd: existsSync(root) ? root : process.cwd(),
      env: lambdaEnvironment({ fn, region: options.region, logStreamName: options.logStreamName }),
      execArgv: [`--max-old-space-size=${fn.memorySize}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // The event and response already cross as JSON text: the structured-clone channel copies
      // that text as is, where 'json' would escape and re-parse it (~3x slower for large batches).
      serialization: 'advanced',
    });
    let stderrTail = '';
    proc.stdout?.on('data', (chunk: Buffer) => options.output.stdout.write(chunk));
    proc.stderr?.on('data', (chunk: Buffer) => {
      const text = stderrTail + chunk.toString('utf8');
      if (text.includes(OOM_MARKER)) outOfMemory = true;
      stderrTail = text.slice(-OOM_MARKER.length);
      options.output.stderr.write(chunk);
    });
    proc.on('message', (message: ChildMessage) => onMessage?.(message));
    // 'close' comes after every IPC message and stdio byte has been read; if a
    // grandchild process holds the pipes open, 'exit' plus a short grace will do.
    proc.on('close', (code, signal) => resolveExit({ code, signal, outOfMemory }));
    proc.on('exit', (code, signal) => {
      setTimeout(() => resolveExit({ code, signal, outOfMemory }), EXIT_GRACE_MS).unref();
    });
    proc.on('error', () => {
      if (proc.pid === undefined) resolveExit({ code: null, signal: null, outOfMemory: false });
    });
    return proc;
  }

  type Ended = { readonly kind: 'exit'; readonly exit: EnvironmentExit } | { readonly kind: 'timeout' };

  /**
   * Sends `message` and resolves with the first of: what `answer` makes of a message from the
   * process, the process's exit, or a timeout after `timeoutMs`.
   */
  async function exchange<T>(
    proc: ChildProcess,
    message: ParentMessage,
    timeoutMs: number,
    answer: (msg: ChildMessage) => T | undefined,
  ): Promise<T | Ended> {
    const stop = new AbortController();
    try {
      return await new Promise<T | Ended>((resolve) => {
        onMessage = (msg) => {
          const outcome = answer(msg);
          if (outcome !== undefined) resolve(outcome);
        };
        onExit = (exit) => resolve({ kind: 'exit', exit });
        clock.sleep(timeoutMs, stop.signal).then(
          () => resolve({ kind: 'timeout' }),
          () => undefined,
        );
        proc.send(message);
      });
    } finally {
      cancel(stop);
      onMessage = undefined;
      onExit = undefined;
    }
  }

  async function runInit(): Promise<InitResult> {
    const entry = await options.entry;
    if (exited) return { kind: 'exit', exit: await exitPromise };
    const proc = start(entry);
    child = proc;
    const init = { type: 'init', modulePath: fn.invoker.modulePath, exportName: fn.invoker.exportName, handlerName: handlerName(fn.invoker) } as const;
    const result: InitResult = await exchange<InitResult>(proc, init, options.initTimeoutMs, (msg) =>
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
    if (child === undefined) {
      resolveExit({ code: null, signal: null, outOfMemory: false });
      return;
    }
    child.kill('SIGKILL');
    await exitPromise;
  }

  return {
    logStreamName: options.logStreamName,
    get pid() {
      return child?.pid;
    },
    get exited() {
      return exited;
    },
    ended: exitPromise,
    init() {
      initResult ??= runInit();
      return initResult;
    },
    async invoke(message, timeoutMs) {
      const proc = child;
      if (proc === undefined || exited) return { kind: 'exit', exit: await exitPromise };
      const outcome: InvocationResult = await exchange<InvocationResult>(proc, message, timeoutMs, (msg) =>
        msg.type === 'result' && msg.requestId === message.requestId ? { kind: 'result', message: msg } : undefined,
      );
      if (outcome.kind === 'timeout') await kill();
      return outcome;
    },
    kill,
  };
}
