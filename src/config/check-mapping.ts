/**
 * Rules of one mapping that depend on its source type: which keys apply, FIFO
 * and batching-window rules, starting positions, retry limits of asynchronous
 * invocation, destinations, filters, schedules and replay files.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
 */
import path from 'node:path';
import type { SourceType } from './types.js';
import { checkFilterCriteria } from '../filter/index.js';
import { scanJson, type JsonNode } from '../filter/json-scanner.js';
import { checkScheduleExpression } from '../schedule/index.js';
import type { ConfigPath } from './config-path.js';
import { isFile } from './handler.js';
import type { RawMapping } from './schema.js';

/** Records a problem at `path` (with `stringOffset`, at that character of a string value). */
export type Report = (path: ConfigPath, message: string, stringOffset?: number) => void;

export interface MappingCheckContext {
  /** Directory of the config file. */
  readonly baseDir: string;
  /** `limits.maxFiltersPerMapping`. */
  readonly maxFilters: number;
  readonly report: Report;
}

const STREAMS: readonly SourceType[] = ['kinesis', 'dynamodb'];
const PULL: readonly SourceType[] = ['sqs', 'kinesis', 'dynamodb'];
const PUSH: readonly SourceType[] = ['s3', 'sns', 'schedule'];

/** The source types each type-specific mapping key applies to. */
export const KEY_SOURCES = {
  batchSize: PULL,
  maximumBatchingWindowInSeconds: PULL,
  parallelizationFactor: STREAMS,
  startingPosition: STREAMS,
  startingPositionTimestamp: STREAMS,
  bisectBatchOnFunctionError: STREAMS,
  maximumRetryAttempts: [...STREAMS, ...PUSH],
  maximumRecordAgeInSeconds: STREAMS,
  maximumEventAgeInSeconds: PUSH,
  destinationConfig: [...STREAMS, ...PUSH],
  functionResponseTypes: PULL,
  filterCriteria: PULL,
  tumblingWindowInSeconds: STREAMS,
  scalingConfig: ['sqs'],
  provisionedPollerConfig: ['sqs'],
} as const satisfies Partial<Record<keyof RawMapping, readonly SourceType[]>>;

/** Lambda's default of two minimum pollers for SQS. @see https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html */
export const DEFAULT_MINIMUM_POLLERS = 2;

/** The longest filter pattern Lambda takes. @see https://docs.aws.amazon.com/lambda/latest/api/API_Filter.html */
export const MAX_PATTERN_LENGTH = 4096;

/** True for queue names, URLs and ARNs of FIFO queues. */
export function isFifoQueue(queue: string): boolean {
  return queue.replace(/\/+$/, '').endsWith('.fifo');
}

const list = (types: readonly string[]): string =>
  types.length <= 1 ? (types[0] ?? '') : `${types.slice(0, -1).join(', ')} and ${types[types.length - 1] ?? ''}`;

/** Checks one mapping that passed the schema. */
export function checkMapping(mapping: RawMapping, at: ConfigPath, context: MappingCheckContext): void {
  const { report } = context;
  const type = mapping.source.type;
  const isStream = STREAMS.includes(type);

  for (const [key, types] of Object.entries(KEY_SOURCES) as [keyof typeof KEY_SOURCES, readonly SourceType[]][]) {
    if (mapping[key] === undefined || types.includes(type)) continue;
    if (key === 'destinationConfig' && type === 'sqs') {
      report(
        [...at, key, ...(mapping.destinationConfig?.onFailure === undefined ? [] : ['onFailure'])],
        `destinationConfig is not supported for sqs sources: give the queue a redrive policy (dead-letter queue) instead`,
      );
      continue;
    }
    report([...at, key], `${key} is not valid for ${type} sources (${list(types)} only)`);
  }

  if (mapping.destinationConfig?.onSuccess !== undefined && isStream) {
    report([...at, 'destinationConfig', 'onSuccess'], `onSuccess is not valid for ${type} sources (${list(PUSH)} only)`);
  }

  checkSource(mapping, at, context);
  if (mapping.source.type === 'sqs') {
    checkSqsBatching(mapping, mapping.source.queue, at, report);
    checkSqsScaling(mapping, at, report);
  }
  if (isStream) checkStartingPosition(mapping, at, report);

  if (PUSH.includes(type) && mapping.maximumRetryAttempts !== undefined) {
    const value = mapping.maximumRetryAttempts;
    if (value < 0 || value > 2) {
      report(
        [...at, 'maximumRetryAttempts'],
        `maximumRetryAttempts must be between 0 and 2 for ${type} sources (asynchronous invocation limit), got ${value}`,
      );
    }
  }

  if (mapping.filterCriteria !== undefined && PULL.includes(type)) checkFilters(mapping, at, context);
}

function checkSqsBatching(mapping: RawMapping, queue: string, at: ConfigPath, report: Report): void {
  const window = mapping.maximumBatchingWindowInSeconds;
  if (isFifoQueue(queue)) {
    if (mapping.batchSize !== undefined && mapping.batchSize > 10) {
      report([...at, 'batchSize'], `batchSize must be between 1 and 10 for FIFO queues (AWS limit), got ${mapping.batchSize}`);
    }
    if (window !== undefined && window > 0) {
      report([...at, 'maximumBatchingWindowInSeconds'], 'maximumBatchingWindowInSeconds is not supported for FIFO queues (AWS rule)');
    }
    return;
  }
  if (mapping.batchSize !== undefined && mapping.batchSize > 10 && (window ?? 0) < 1) {
    report(
      [...at, 'batchSize'],
      `batchSize above 10 requires maximumBatchingWindowInSeconds of at least 1 for standard queues (AWS rule), got batchSize ${mapping.batchSize} with a window of ${window ?? 0}`,
    );
  }
}

/**
 * Maximum concurrency and provisioned mode are the two mutually exclusive ways to control an
 * SQS mapping's scaling; a poller group is a Kafka feature.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html
 */
function checkSqsScaling(mapping: RawMapping, at: ConfigPath, report: Report): void {
  const pollers = mapping.provisionedPollerConfig;
  if (pollers === undefined) return;
  const pollersPath = [...at, 'provisionedPollerConfig'];
  if (mapping.scalingConfig !== undefined) {
    report(
      [...at, 'scalingConfig'],
      'scalingConfig and provisionedPollerConfig are mutually exclusive for sqs sources (AWS rule): keep maximumConcurrency or provisioned mode, not both',
    );
  }
  const { minimumPollers, maximumPollers } = pollers;
  if (maximumPollers !== undefined && maximumPollers < (minimumPollers ?? DEFAULT_MINIMUM_POLLERS)) {
    report(
      [...pollersPath, 'maximumPollers'],
      `maximumPollers must be at least minimumPollers (${minimumPollers ?? `${DEFAULT_MINIMUM_POLLERS} by default`}), got ${maximumPollers}`,
    );
  }
  if (pollers.pollerGroupName !== undefined) {
    report([...pollersPath, 'pollerGroupName'], 'pollerGroupName is not valid for sqs sources (Amazon MSK and self-managed Apache Kafka only)');
  }
}

function checkStartingPosition(mapping: RawMapping, at: ConfigPath, report: Report): void {
  const type = mapping.source.type;
  const positions = type === 'dynamodb' ? 'TRIM_HORIZON or LATEST' : 'TRIM_HORIZON, LATEST or AT_TIMESTAMP';
  const replay = 'replay' in mapping.source ? mapping.source.replay : undefined;
  if (mapping.startingPosition === undefined && replay === undefined) {
    report([...at, 'startingPosition'], `startingPosition is required for ${type} sources (${positions})`);
  }
  if (mapping.startingPosition === 'AT_TIMESTAMP') {
    if (type === 'dynamodb') {
      report([...at, 'startingPosition'], `startingPosition AT_TIMESTAMP is not supported for dynamodb sources (${positions})`);
    } else if (mapping.startingPositionTimestamp === undefined) {
      report([...at, 'startingPositionTimestamp'], 'startingPositionTimestamp is required with startingPosition AT_TIMESTAMP');
    }
  } else if (mapping.startingPositionTimestamp !== undefined) {
    report([...at, 'startingPositionTimestamp'], 'startingPositionTimestamp is only used with startingPosition AT_TIMESTAMP');
  }
}

function checkSource(mapping: RawMapping, at: ConfigPath, { baseDir, report }: MappingCheckContext): void {
  const source = mapping.source;
  const sourcePath = [...at, 'source'];
  if (source.type !== 'schedule' && source.replay !== undefined) {
    const file = path.resolve(baseDir, source.replay);
    if (!isFile(file)) report([...sourcePath, 'replay'], `replay file not found: ${file}`);
  }
  switch (source.type) {
    case 'sqs':
      if (source.maxReceiveCount !== undefined && source.replay === undefined) {
        report(
          [...sourcePath, 'maxReceiveCount'],
          "maxReceiveCount is only used with replay (a live queue's redrive policy is set in SQS)",
        );
      }
      return;
    case 'dynamodb':
      if ((source.table === undefined) === (source.streamArn === undefined)) {
        report(
          sourcePath,
          source.table === undefined
            ? 'source needs exactly one of table or streamArn, got neither'
            : 'source needs exactly one of table or streamArn, got both',
        );
      }
      return;
    case 'sns':
      if (source.subscribe && source.endpointUrl === undefined) {
        report([...sourcePath, 'endpointUrl'], 'endpointUrl is required when subscribe is true');
      }
      return;
    case 'schedule': {
      const problem = scheduleProblem(source.expression, source.timezone);
      if (problem !== undefined) report([...sourcePath, 'expression'], problem);
      return;
    }
    default:
      return;
  }
}

function scheduleProblem(expression: string, timezone: string): string | undefined {
  let problem: string | undefined;
  try {
    problem = checkScheduleExpression(expression, timezone);
  } catch (error) {
    problem = `invalid schedule expression ${JSON.stringify(expression)}: ${error instanceof Error ? error.message : String(error)}`;
  }
  return problem === undefined ? undefined : `${problem.charAt(0).toLowerCase()}${problem.slice(1)}`;
}

function checkFilters(mapping: RawMapping, at: ConfigPath, { maxFilters, report }: MappingCheckContext): void {
  const filters = mapping.filterCriteria?.filters ?? [];
  const filtersPath = [...at, 'filterCriteria', 'filters'];
  if (filters.length > maxFilters) {
    report(
      filtersPath,
      `filters must have at most ${maxFilters} filters (AWS quota; limits.maxFiltersPerMapping raises it up to 10), got ${filters.length}`,
    );
  }
  const patterns = filters.map(({ pattern }) => (typeof pattern === 'string' ? pattern : JSON.stringify(pattern)));
  patterns.forEach((pattern, index) => {
    if (typeof filters[index]?.pattern !== 'string' && pattern.length > MAX_PATTERN_LENGTH) {
      report(
        [...filtersPath, index, 'pattern'],
        `pattern must be at most ${MAX_PATTERN_LENGTH} characters (AWS limit) once serialized to JSON, got ${pattern.length}`,
      );
    }
  });
  const problems = checkFilterCriteria({ filters: patterns.map((pattern) => ({ pattern })) }, mapping.source.type);
  for (const problem of problems) {
    const patternPath = [...filtersPath, problem.filterIndex, 'pattern'];
    if (typeof filters[problem.filterIndex]?.pattern === 'string') {
      report(patternPath, `invalid filter pattern: ${problem.message}`, problem.offset);
    } else {
      // A YAML pattern was checked as its JSON text: the problem goes to the YAML node at that offset.
      const inner = problem.offset === undefined ? [] : jsonPathAt(patterns[problem.filterIndex] ?? '', problem.offset);
      report([...patternPath, ...inner], `invalid filter pattern: ${problem.message}`);
    }
  }
}

/** The path of the deepest key or element of the JSON `text` at or before `offset`. */
function jsonPathAt(text: string, offset: number): (string | number)[] {
  const scanned = scanJson(text);
  if (!scanned.ok) return [];
  const walk = (node: JsonNode, at: (string | number)[]): (string | number)[] => {
    if (node.type === 'object') {
      const member = node.members.findLast((m) => m.keyOffset <= offset);
      if (member === undefined) return at;
      return offset >= member.value.offset ? walk(member.value, [...at, member.key]) : [...at, member.key];
    }
    if (node.type === 'array') {
      const index = node.items.findLastIndex((item) => item.offset <= offset);
      const item = node.items[index];
      return item === undefined ? at : walk(item, [...at, index]);
    }
    return at;
  };
  return walk(scanned.value, []);
}
