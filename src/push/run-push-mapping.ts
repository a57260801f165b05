import type { Mapping, S3Source, ScheduleSource, SnsSource } from '../config/types.js';
import { SluiceError } from '../errors.js';
import type { MappingStats } from '../runtime/mapping-stats.js';
import type { RuntimeContext } from '../runtime/runtime-context.js';
import { runS3Mapping } from './s3-mapping.js';
import { runScheduleMapping } from './schedule-mapping.js';
import { runSnsMapping } from './sns-mapping.js';

/** The push source types: events arrive (HTTP, a notification queue, a clock) and are invoked asynchronously. */
export type PushSource = S3Source | SnsSource | ScheduleSource;

/** True for S3, SNS and schedule mappings. */
export function isPushMapping(mapping: Mapping): mapping is Mapping & { readonly source: PushSource } {
  const type = mapping.source.type;
  return type === 's3' || type === 'sns' || type === 'schedule';
}

/** True when the mapping needs the HTTP listener (S3 and SNS: webhooks and subscriptions). */
export function needsHttp(mapping: Mapping): boolean {
  return mapping.source.type === 's3' || mapping.source.type === 'sns';
}

/**
 * Runs a push mapping (S3, SNS, schedule) until `stop`, then drains its asynchronous queue
 * within the grace period (`abort` ends it). S3 and SNS need the push runtime on the context.
 */
export async function runPushMapping(
  mapping: Mapping & { readonly source: PushSource },
  ctx: RuntimeContext,
  stats: MappingStats,
  stop: AbortSignal,
  abort: AbortSignal,
): Promise<void> {
  const source = mapping.source;
  if (source.type === 'schedule') return runScheduleMapping({ ...mapping, source }, ctx, stats, stop, abort);
  const push = ctx.push;
  if (!push) throw new SluiceError('HttpUnavailable', `mapping "${mapping.name}": ${source.type} mappings need the HTTP listener, which was not started`);
  if (source.type === 's3') return runS3Mapping({ ...mapping, source }, ctx, push, stats, stop, abort);
  return runSnsMapping({ ...mapping, source }, ctx, push, stats, stop, abort);
}
