import type { Mapping } from '../config/types.js';
import type { InvocationReport } from '../dispatch/invoke-batch.js';
import { isThrottled } from '../invokers/invoke-with-throttle-retry.js';
import type { Invoker } from '../invokers/invoker.js';
import type { Logger } from '../log.js';
import type { RuntimeContext } from '../runtime/runtime-context.js';
import type { CheckpointStore } from '../state/checkpoint-store.js';
import { describeDestinationDocument, recordsInvoked, type MappingLabels } from './metrics.js';

/** The labels of a mapping's series. */
export function labelsOf(mapping: Mapping): MappingLabels {
  return { mapping: mapping.name, function: mapping.function, source: mapping.source.type };
}

/** Called with every checkpoint a mapping saves (shard id, sequence number or `SHARD_END`). */
export type CheckpointListener = (shardId: string, value: string) => void;

/**
 * One mapping's view of the runtime context, instrumented at its edges: invocations
 * (logged and counted through `observe`), throttles (through its invoker), destination sends and checkpoints
 * (through the store), so no pipeline module needs to know about metrics or status.
 */
export function instrumentContext(ctx: RuntimeContext, mapping: Mapping, onCheckpoint: CheckpointListener): RuntimeContext {
  const checkpoints = trackCheckpoints(ctx.checkpoints, mapping.name, onCheckpoint);
  const metrics = ctx.metrics;
  const labels = labelsOf(mapping);
  const logger = ctx.logger.child({ mapping: mapping.name });
  const outer = ctx.observe;
  const observe = (report: InvocationReport): void => {
    logInvocation(logger, report);
    metrics?.invocation(labels, report);
    outer?.(report);
  };
  if (!metrics) return { ...ctx, checkpoints, observe };
  const invokers = new Map(ctx.invokers);
  const invoker = ctx.invokers.get(mapping.function);
  if (invoker) invokers.set(mapping.function, countThrottles(invoker, () => metrics.throttle(labels)));
  return {
    ...ctx,
    checkpoints,
    invokers,
    observe,
    sendToDestination: async (destination, document, signal) => {
      await ctx.sendToDestination(destination, document, signal);
      const { records, shard } = describeDestinationDocument(document);
      metrics.sentToDestination(labels, records, shard);
    },
  };
}

/**
 * One line per invocation, whatever the invoker (a local handler adds Lambda's own START, END
 * and REPORT lines): request id, shard, records, duration and outcome. Never the records
 * themselves, nor the error message (it may quote them): the error type says what happened.
 */
export function logInvocation(logger: Logger, report: InvocationReport): void {
  const { outcome } = report;
  logger.info(
    {
      requestId: outcome.requestId,
      ...(report.shardId === undefined ? {} : { shard: report.shardId }),
      records: recordsInvoked(report),
      durationMs: Math.round(report.durationMs * 100) / 100,
      outcome: outcome.kind,
      ...(outcome.kind === 'partial' ? { failed: outcome.failed.length } : {}),
      ...(outcome.kind === 'failure' ? { reason: outcome.reason, ...(outcome.error ? { errorType: outcome.error.errorType } : {}) } : {}),
    },
    'invocation',
  );
}

function countThrottles(invoker: Invoker, onThrottle: () => void): Invoker {
  return {
    async invoke(event, options) {
      try {
        return await invoker.invoke(event, options);
      } catch (err) {
        if (isThrottled(err)) onThrottle();
        throw err;
      }
    },
    ...(invoker.check ? { check: () => invoker.check?.() ?? Promise.resolve() } : {}),
    close: () => invoker.close(),
  };
}

function trackCheckpoints(store: CheckpointStore, mapping: string, onCheckpoint: CheckpointListener): CheckpointStore {
  return {
    acquireLease: (key, owner) => store.acquireLease(key, owner),
    releaseLease: (lease) => store.releaseLease(lease),
    getCheckpoint: async (key) => {
      const value = await store.getCheckpoint(key);
      if (value !== undefined && key.mapping === mapping) onCheckpoint(key.shardId, value);
      return value;
    },
    checkpoint: async (lease, value) => {
      await store.checkpoint(lease, value);
      if (lease.key.mapping === mapping) onCheckpoint(lease.key.shardId, value);
    },
    listCheckpoints: (m, streamArn) => store.listCheckpoints(m, streamArn),
  };
}
