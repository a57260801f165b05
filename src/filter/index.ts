/**
 * Lambda's FilterCriteria: up to five EventBridge-syntax patterns per mapping, OR-ed.
 * A record goes on to batching when any pattern matches its filter view; otherwise
 * it is dropped (SQS deletes it, streams move past it).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
import type { FilterCriteria, SourceType } from '../config/types.js';
import { SluiceError } from '../errors.js';
import type { PipelineRecord } from '../records.js';
import { compilePattern, type CompiledPattern } from './compile-pattern.js';
import { createFilterViewer } from './filter-view.js';
import { parsePattern } from './parse-pattern.js';

export { filterView } from './filter-view.js';

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

/** Thrown by `compileFilterCriteria`; `problems` holds every problem found. */
export class FilterCriteriaError extends SluiceError {
  override readonly name = 'FilterCriteriaError';
  readonly problems: readonly FilterProblem[];

  constructor(problems: readonly FilterProblem[]) {
    super('InvalidFilterCriteria', `invalid filterCriteria:\n${problems.map(formatFilterProblem).join('\n')}`);
    this.problems = problems;
  }
}

/** `filters[1] offset 23: unknown operator "prefx"; did you mean "prefix"?` */
export function formatFilterProblem(problem: FilterProblem): string {
  const at = problem.offset === undefined ? '' : ` offset ${problem.offset}`;
  return `filters[${problem.filterIndex}]${at}: ${problem.message}`;
}

/** Every problem in the criteria, empty when valid. Never throws. */
export function checkFilterCriteria(criteria: FilterCriteria, source: SourceType): FilterProblem[] {
  const problems: FilterProblem[] = [];
  criteria.filters.forEach((filter, filterIndex) => {
    // The config loader serializes YAML patterns; guard anyway, as this never throws.
    if (typeof filter.pattern !== 'string') {
      problems.push({ filterIndex, message: 'a filter pattern must be a JSON string' });
      return;
    }
    for (const { offset, message } of parsePattern(filter.pattern, { source }).problems) {
      problems.push({ filterIndex, offset, message });
    }
  });
  return problems;
}

const MATCH_ALL: RecordFilter = () => true;

/**
 * Compiles the criteria once per mapping into a closure tree. No criteria (or no
 * filters) lets every record through. Throws a `FilterCriteriaError` (a SluiceError
 * with code `InvalidFilterCriteria`) listing every problem when invalid.
 */
export function compileFilterCriteria(criteria: FilterCriteria | undefined, source: SourceType): RecordFilter {
  if (criteria === undefined || criteria.filters.length === 0) return MATCH_ALL;
  const problems = checkFilterCriteria(criteria, source);
  if (problems.length > 0) throw new FilterCriteriaError(problems);
  const compiled: CompiledPattern[] = criteria.filters.map((filter) => compilePattern(filter.pattern, { source }));
  const keys = [...new Set(compiled.flatMap((c) => c.rootKeys))];
  const view = createFilterViewer(source, compiled.some((c) => c.readsData), keys);
  const matchers = compiled.map((c) => c.match);
  const [only] = matchers;
  if (matchers.length === 1 && only !== undefined) return (record) => only(view(record));
  return (record) => {
    const v = view(record);
    for (const match of matchers) if (match(v)) return true;
    return false;
  };
}
