import type { Clock } from '../../src/clock.js';
import type { Mapping } from '../../src/config/types.js';
import type { Logger } from '../../src/log.js';

/**
 * The default cap on concurrent batches of an SQS mapping without
 * `scalingConfig.maximumConcurrency`. Lambda starts with five concurrent batches as soon as
 * messages are available and grows towards 1,000 (1,250 invocations); a local sidecar stops at
 * those first five: every concurrent batch is a handler environment (a process) on a developer
 * machine or a CI runner, and five already drain an emulator about as fast as it serves receives.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
export const DEFAULT_MAXIMUM_CONCURRENCY = 5;

/** Lambda processes five batches at once as soon as a queue has messages. */
const LAMBDA_INITIAL_CONCURRENCY = 5;

/** No message for this long, and an empty long poll: back to the idle floor. */
export const SCALE_DOWN_AFTER_IDLE_MS = 10_000;

/**
 * Provisioned mode: each event poller runs up to 10 concurrent invocations, and scaling is
 * three times as fast as in the standard mode.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
export const INVOCATIONS_PER_POLLER = 10;
const PROVISIONED_STEP = 3;

/** How a mapping's receive loops scale: its idle floor, its cap and how fast it grows. */
export interface ReceiverScalingSettings {
  /** `scalingConfig.maximumConcurrency` (2-1,000), the default, or provisioned mode's cap. */
  readonly maximumConcurrency: number;
  /** Receive loops while the queue is empty; default 1 (one long poll notices new messages). */
  readonly idle?: number;
  /** Loops added per full receive; default 1. */
  readonly step?: number;
}

export interface ReceiverScalingOptions extends ReceiverScalingSettings {
  readonly logger: Logger;
  readonly clock?: Pick<Clock, 'now'>;
}

/**
 * The scaling of a live SQS mapping. Standard mode: one idle loop, capped by
 * `scalingConfig.maximumConcurrency` (default {@link DEFAULT_MAXIMUM_CONCURRENCY}). Provisioned
 * mode: `minimumPollers` loops always polling, three loops added per full receive, and a cap of
 * 10 concurrent batches per poller: `maximumPollers` of them. Without `maximumPollers` the cap
 * is what the minimum pollers run (20 for the default two), not AWS's default of 200 pollers:
 * 2,000 concurrent batches would be 2,000 handler processes on a developer machine.
 */
export function receiverScalingSettings(mapping: Pick<Mapping, 'scalingConfig' | 'provisionedPollerConfig'>): ReceiverScalingSettings {
  const pollers = mapping.provisionedPollerConfig;
  if (pollers === undefined) return { maximumConcurrency: mapping.scalingConfig?.maximumConcurrency ?? DEFAULT_MAXIMUM_CONCURRENCY };
  return {
    maximumConcurrency: (pollers.maximumPollers ?? pollers.minimumPollers) * INVOCATIONS_PER_POLLER,
    idle: pollers.minimumPollers,
    step: PROVISIONED_STEP,
  };
}

/** How many receive loops (each one batch in flight) run, decided from what receives return. */
export interface ReceiverScaling {
  /** Receive loops running now. */
  readonly active: number;
  /** The concurrency decided last. */
  readonly target: number;
  /**
   * A receive returned messages (`full`: as many as it asked for, so the queue has a backlog).
   * Returns how many receive loops to start.
   */
  onMessages(full: boolean): number;
  /** A poll came back empty (and nothing is gathering). Returns true when the calling loop should stop (scale down). */
  onEmpty(): boolean;
  /** A loop ended on its own (stop, error). */
  onExit(): void;
}

/**
 * Lambda's SQS scaling, sized for one machine: one receive loop while the queue is idle
 * (provisioned mode: `idle`); as soon as messages arrive, five (Lambda's first step, capped by
 * `maximumConcurrency`); `step` more for every receive that comes back full (a backlog), up to
 * `maximumConcurrency`; back to the idle floor when no loop has received anything for
 * {@link SCALE_DOWN_AFTER_IDLE_MS} (the surplus loops end at their next empty long poll). Each
 * decision is logged once, with the new concurrency.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
export function createReceiverScaling(options: ReceiverScalingOptions): ReceiverScaling {
  const { clock } = options;
  const now = (): number => (clock ? clock.now() : Date.now());
  const max = Math.max(1, Math.floor(options.maximumConcurrency));
  const idle = Math.min(max, Math.max(1, options.idle ?? 1));
  const step = Math.max(1, options.step ?? 1);
  const initial = Math.min(max, Math.max(idle, LAMBDA_INITIAL_CONCURRENCY));
  let target = idle;
  let active = idle;
  let lastMessagesAt = Number.NEGATIVE_INFINITY;
  const decide = (to: number, reason: string): void => {
    const from = target;
    target = to;
    options.logger.info({ receivers: to, from, maximumConcurrency: max, reason }, `SQS receive loops scaled to ${to}`);
  };
  return {
    get active() {
      return active;
    },
    get target() {
      return target;
    },
    onMessages(full) {
      lastMessagesAt = now();
      if (target < initial) decide(initial, 'messages available');
      else if (full && target < max) decide(Math.min(max, target + step), 'backlog');
      const start = Math.max(0, target - active);
      active += start;
      return start;
    },
    onEmpty() {
      if (target > idle && now() - lastMessagesAt >= SCALE_DOWN_AFTER_IDLE_MS) decide(idle, 'queue empty');
      if (active <= target) return false;
      active -= 1;
      return true;
    },
    onExit() {
      active = Math.max(0, active - 1);
    },
  };
}
