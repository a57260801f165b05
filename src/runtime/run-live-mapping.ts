import type { Mapping } from '../config/types.js';
import { SluiceError } from '../errors.js';
import { isPushMapping, runPushMapping } from '../push/run-push-mapping.js';
import type { MappingStats } from './mapping-stats.js';
import { runLiveQueue } from './run-live-queue.js';
import { runLiveStream } from './run-live-stream.js';
import type { RuntimeContext } from './runtime-context.js';

/** Runs a mapping against its live source until `stop`: one function per source family. */
export async function runLiveMapping(
  mapping: Mapping,
  ctx: RuntimeContext,
  stats: MappingStats,
  stop: AbortSignal,
  abort: AbortSignal,
): Promise<void> {
  switch (mapping.source.type) {
    case 's3':
    case 'sns':
    case 'schedule':
      if (!isPushMapping(mapping)) break;
      return runPushMapping(mapping, ctx, stats, stop, abort);
    case 'sqs':
      return runLiveQueue({ ...mapping, source: mapping.source }, ctx, stats, stop, abort);
    case 'kinesis':
    case 'dynamodb':
      return runLiveStream({ ...mapping, source: mapping.source }, ctx, stats, stop, abort);
  }
  throw new SluiceError('SourceUnsupported', `mapping "${mapping.name}": live ${mapping.source.type} sources are not available in this build`);
}
