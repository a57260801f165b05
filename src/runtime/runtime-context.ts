import type { Clock } from '../clock.js';
import type { Config, Mapping } from '../config/types.js';
import type { DestinationSender } from '../dispatch/destinations.js';
import type { InvocationObserver } from '../dispatch/invoke-batch.js';
import type { HttpServer } from '../http/server.js';
import type { Invoker } from '../invokers/invoker.js';
import type { Logger } from '../log.js';
import type { SluiceMetrics } from '../ops/metrics.js';
import type { PushRuntime, PushSettings } from '../push/push-runtime.js';
import type { CheckpointStore } from '../state/checkpoint-store.js';
import type { WaitListener } from './wait-for.js';

/** Everything a running mapping needs from the composition root. */
export interface RuntimeContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  /** One invoker per function name. */
  readonly invokers: ReadonlyMap<string, Invoker>;
  readonly sendToDestination: DestinationSender;
  readonly checkpoints: CheckpointStore;
  readonly observe?: InvocationObserver;
  readonly replay: ReplaySettings;
  /** The environment endpoints and credentials are resolved from (`startSluice`'s `env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** The HTTP listener, when one was started (push mappings need it). */
  readonly http?: HttpServer;
  /** What S3 and SNS mappings share (routes, clients, signature verifier); present with `http`. */
  readonly push?: PushRuntime;
  /** Asynchronous-invocation knobs for push mappings (retry delays, concurrency); defaults are Lambda's. */
  readonly pushSettings?: PushSettings;
  /** The instance's Prometheus metrics (`GET /metrics`); mappings are instrumented at their edges when set. */
  readonly metrics?: SluiceMetrics;
  /** A mapping's context: told what the mapping waits for (its queue or stream does not exist yet). */
  readonly onWait?: WaitListener;
}

export interface ReplaySettings {
  /**
   * A replay must end: where the mapping would retry forever (SQS without a redrive
   * policy, streams with `maximumRetryAttempts: -1`), it gives up after this many
   * attempts and reports the records as abandoned.
   */
  readonly maxAttempts: number;
  /** Delay between retries of a failed batch or event (ms), by retry number. */
  readonly retryDelayMs: (retry: number) => number;
}

export const defaultReplaySettings: ReplaySettings = {
  maxAttempts: 3,
  retryDelayMs: (retry) => Math.min(50 * 2 ** (retry - 1), 1_000),
};

export function invokerOf(ctx: RuntimeContext, mapping: Mapping): Invoker {
  const invoker = ctx.invokers.get(mapping.function);
  if (!invoker) throw new Error(`mapping "${mapping.name}" names function "${mapping.function}", which has no invoker`);
  return invoker;
}
