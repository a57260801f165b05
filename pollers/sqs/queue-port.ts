import type { PipelineRecord } from '../../src/records.js';

/**
 * The port a queue source (live SQS, or a replay file's simulated queue) offers the
 * queue consumer. Messages come back as `PipelineRecord`s with their receipt handle.
 */
export interface QueuePort {
  readonly queueArn: string;
  /** A FIFO queue (name ends in `.fifo`). */
  readonly fifo: boolean;
  /** A replay file ends; a live queue never does. */
  readonly finite: boolean;
  /**
   * The queue's `VisibilityTimeout` (seconds), when known: the consumer extends the
   * visibility of a batch still being processed before this lapses (with `extendVisibility`).
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * ReceiveMessage: at most `max` (1-10) messages, long-polling up to `waitTimeSeconds`. A
   * failing receive is retried until `signal` aborts or, with `retryForMs`, until that long has
   * passed: then the last error is thrown (a batching window that ends must not wait for an
   * outage to end).
   */
  receive(max: number, waitTimeSeconds: number, signal: AbortSignal, retryForMs?: number): Promise<PipelineRecord[]>;
  /** DeleteMessageBatch, retrying entries whose deletion failed. */
  delete(records: readonly PipelineRecord[], signal: AbortSignal): Promise<void>;
  /**
   * The function failed these: live SQS does nothing, so they reappear after the
   * visibility timeout and the queue's redrive policy counts the receive; a replay
   * queue makes them visible again.
   */
  settleFailed(records: readonly PipelineRecord[], signal: AbortSignal): Promise<void>;
  /** Makes unfinished messages visible again at once (visibility 0), e.g. at shutdown. */
  release(records: readonly PipelineRecord[], signal: AbortSignal): Promise<void>;
  /** Extends the visibility of messages still being processed (seconds from now). */
  extendVisibility?(records: readonly PipelineRecord[], seconds: number, signal: AbortSignal): Promise<void>;
  /** Finite queues: true once no message can ever be received again. */
  exhausted(): boolean;
}
