import type { Mapping } from '../config/types.js';
import { SluiceError } from '../errors.js';
import type { MappingStats } from './mapping-stats.js';
import type { RuntimeContext } from './runtime-context.js';

/** Runs a mapping against its live source until `stop`. */
export async function runLiveMapping(
  mapping: Mapping,
  _ctx: RuntimeContext,
  _stats: MappingStats,
  _stop: AbortSignal,
  _abort: AbortSignal,
): Promise<void> {
  throw new SluiceError('SourceUnsupported', `mapping "${mapping.name}": live ${mapping.source.type} sources are not available in this build`);
}
