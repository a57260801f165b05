import type { Logger } from '../../src/log.js';
import type { CheckpointStore, Lease } from '../../src/state/checkpoint-store.js';

export interface CheckpointWriterDeps {
  readonly store: CheckpointStore;
  readonly lease: Lease;
  readonly logger: Logger;
  /** A position was saved. */
  readonly onSaved?: (position: string) => void;
  /** A write failed: nothing more is written (the shard consumer stops, and the lease's next owner resumes from the last save). */
  readonly onFailure: (error: unknown) => void;
  /** True once the shard consumer has faulted (a lost lease among others): nothing more is written. */
  readonly halted: () => boolean;
}

export interface CheckpointWriter {
  /** Queues `position` to be saved. */
  save(position: string): void;
  /** True while a write is in flight. */
  readonly busy: boolean;
  /** Resolves once every position queued so far is saved, or writing has stopped on a failure. */
  saved(): Promise<void>;
}

/**
 * Writes a shard's checkpoints one after another, and only the furthest position waiting: a
 * slow store never falls further behind than one write, and positions never go backwards.
 */
export function createCheckpointWriter(deps: CheckpointWriterDeps): CheckpointWriter {
  let pending: string | undefined;
  let failed = false;
  // Whether `writeAll` is running, set and cleared by itself: it may return before its first
  // await (nothing to write), so whether its promise is still pending cannot tell.
  let running = false;
  let writing: Promise<void> = Promise.resolve();

  async function writeAll(): Promise<void> {
    running = true;
    try {
      for (;;) {
        const position = pending;
        if (position === undefined || failed || deps.halted()) return;
        pending = undefined;
        try {
          await deps.store.checkpoint(deps.lease, position);
          deps.onSaved?.(position);
        } catch (err) {
          deps.logger.error({ err, checkpoint: position }, 'checkpoint failed');
          failed = true;
          deps.onFailure(err);
        }
      }
    } finally {
      running = false;
    }
  }

  return {
    save(position) {
      pending = position;
      if (!running) writing = writeAll();
    },
    get busy() {
      return running;
    },
    async saved() {
      while (running) await writing;
    },
  };
}
