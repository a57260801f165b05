/**
 * What an execution environment runs in: a child Node process (`isolation:
 * process`, the default) or a worker thread (`isolation: thread`). The
 * environment (`environment.ts`) drives either through this interface.
 */
import type { LocalFunctionConfig, OutputStreams } from './environment.js';
import type { EnvironmentExit } from './platform-errors.js';
import type { ChildMessage, ParentMessage } from './runtime/protocol.js';

export interface HostOptions {
  readonly fn: LocalFunctionConfig;
  /** The entry script (see `resolveRuntimeEntry`). */
  readonly entry: string;
  /** The environment variables the handler sees (see `lambdaEnvironment`). */
  readonly env: Record<string, string>;
  readonly output: OutputStreams;
}

export interface HostEvents {
  onMessage(message: ChildMessage): void;
  /**
   * Called after every message and output byte has been passed on; may be called again (a
   * process's 'close' and its 'exit' grace both report): the first call counts.
   */
  onExit(exit: EnvironmentExit): void;
}

export interface Host {
  send(message: ParentMessage): void;
  /** Ends it at once (SIGKILL; a thread is terminated); `onExit` follows. */
  kill(): void;
}

export type StartHost = (options: HostOptions, events: HostEvents) => Host;
