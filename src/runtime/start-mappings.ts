import type { Mapping } from '../config/types.js';
import { createMappingStats, type MappingStats } from './mapping-stats.js';
import { runReplayMapping } from './run-replay-mapping.js';
import { runLiveMapping } from './run-live-mapping.js';
import type { RuntimeContext } from './runtime-context.js';
import { instrumentContext } from '../ops/instrument-context.js';

/** AWS's event source mapping states. @see https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html */
export type MappingState = 'Creating' | 'Enabling' | 'Enabled' | 'Disabling' | 'Disabled';

/** A running mapping, as the composition root and `sluice status` see it. */
export interface MappingHandle {
  readonly mapping: Mapping;
  readonly stats: MappingStats;
  readonly state: MappingState;
  /** What the mapping is waiting for (its queue or stream does not exist yet); undefined when not waiting. */
  readonly waiting: string | undefined;
  /** Stream mappings: the checkpoint per shard (sequence number or `SHARD_END`), as last loaded or saved. */
  readonly positions: ReadonlyMap<string, string>;
  /** Settles when the mapping stopped (a replay reached its end, or `stop` finished draining). */
  readonly done: Promise<void>;
  /** Stops intake; in-flight batches finish. */
  stop(): void;
  /** The grace period is over: interrupt in-flight work. */
  abort(): void;
}

export interface StartMappingOptions {
  /** Read this replay file instead of the source (`sluice replay --file`). */
  readonly replayFile?: string;
}

/** Starts one mapping: from its replay file when it has one, else from the live source. */
export function startMapping(mapping: Mapping, ctx: RuntimeContext, options: StartMappingOptions = {}): MappingHandle {
  const stats = createMappingStats();
  const stopController = new AbortController();
  const abortController = new AbortController();
  let state: MappingState = 'Enabling';
  const replayFile = options.replayFile ?? ('replay' in mapping.source ? mapping.source.replay : undefined);
  const logger = ctx.logger.child({ mapping: mapping.name });
  let waiting: string | undefined;
  const positions = new Map<string, string>();
  const mappingCtx: RuntimeContext = {
    ...instrumentContext(ctx, mapping, (shardId, value) => positions.set(shardId, value)),
    onWait: (what) => {
      waiting = what;
    },
  };
  const run = replayFile
    ? runReplayMapping(mapping, mappingCtx, stats, stopController.signal, abortController.signal, replayFile)
    : runLiveMapping(mapping, mappingCtx, stats, stopController.signal, abortController.signal);
  state = 'Enabled';
  const done = run.then(
    () => {
      state = 'Disabled';
      waiting = undefined;
    },
    (err: unknown) => {
      state = 'Disabled';
      waiting = undefined;
      stats.lastError = err instanceof Error ? err.message : String(err);
      if (abortController.signal.aborted) return;
      logger.error({ err }, 'mapping stopped with an error');
      throw err;
    },
  );
  return {
    mapping,
    stats,
    get state() {
      return state;
    },
    get waiting() {
      return waiting;
    },
    positions,
    done,
    stop() {
      if (state === 'Enabled') state = 'Disabling';
      stopController.abort(new Error('mapping stopping'));
    },
    abort() {
      stopController.abort(new Error('mapping stopping'));
      abortController.abort(new Error('grace period over'));
    },
  };
}
