/**
 * Lambda's FilterCriteria (EventBridge pattern language). PLACEHOLDER signatures,
 * to be implemented by the filter module owner; other modules import only these names.
 */
import type { FilterCriteria, SourceType } from '../config/types.js';
import type { PipelineRecord } from '../records.js';

/** A problem found in a filter pattern, for `sluice validate`. */
export interface FilterProblem {
  /** Index into `filterCriteria.filters`. */
  readonly filterIndex: number;
  /** Character offset into the pattern JSON string, when known. */
  readonly offset?: number;
  readonly message: string;
}

/** Decides whether a record matches the mapping's filters (OR of all filters). */
export type RecordFilter = (record: PipelineRecord) => boolean;

/** Every problem in the criteria, empty when valid. Never throws. */
export function checkFilterCriteria(_criteria: FilterCriteria, _source: SourceType): FilterProblem[] {
  return [];
}

/** Compiles the criteria once per mapping. Throws a SluiceError when invalid. */
export function compileFilterCriteria(_criteria: FilterCriteria | undefined, _source: SourceType): RecordFilter {
  return () => true;
}
