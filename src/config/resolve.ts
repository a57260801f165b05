/**
 * Builds the `Config` everything else reads from a file that passed every
 * check: defaults by source type applied, paths made absolute, handlers found.
 */
import path from 'node:path';
import { DEFAULT_MINIMUM_POLLERS } from './check-mapping.js';
import { findHandlerFile, HANDLER_EXTENSIONS, parseHandler } from './handler.js';
import type { RawConfig, RawFunction, RawMapping } from './schema.js';
import type { RawSource } from './schema-sources.js';
import { splitCommand } from './split-command.js';
import type {
  Config,
  FilterCriteria,
  FunctionConfig,
  InvokerConfig,
  Mapping,
  ProvisionedPollerConfig,
  Source,
  SourceLocation,
} from './types.js';

export interface ResolveContext {
  /** Absolute path of the config file. */
  readonly file: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where mapping `index` is defined. */
  readonly mappingLocation: (index: number) => SourceLocation;
}

/** The region used when neither the file nor the environment names one. */
export const DEFAULT_REGION = 'us-east-1';

/** Default state directory, relative to the config file. */
export const DEFAULT_STATE_DIR = '.sluice/state';

/**
 * The region, by precedence: the file's `region`, then `AWS_REGION`, then
 * `AWS_DEFAULT_REGION` (empty values are ignored), then `us-east-1`.
 */
export function resolveRegion(region: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const candidates = [region, env['AWS_REGION'], env['AWS_DEFAULT_REGION']];
  return candidates.find((candidate) => candidate !== undefined && candidate !== '') ?? DEFAULT_REGION;
}

/** Raw, checked config to `Config` (not yet frozen). */
export function resolveConfig(raw: RawConfig, context: ResolveContext): Config {
  const baseDir = path.dirname(context.file);
  const functions: Record<string, FunctionConfig> = {};
  for (const [name, fn] of Object.entries(raw.functions)) functions[name] = resolveFunction(name, fn, baseDir);
  return {
    file: context.file,
    baseDir,
    region: resolveRegion(raw.region, context.env),
    account: raw.account,
    ...(raw.endpoint === undefined ? {} : { endpoint: raw.endpoint }),
    stateDir: path.resolve(baseDir, raw.stateDir ?? DEFAULT_STATE_DIR),
    http: { host: raw.http.host, port: raw.http.port, ...(raw.http.token === undefined ? {} : { token: raw.http.token }) },
    ...(raw.sns?.certificateHosts === undefined ? {} : { sns: { certificateHosts: [...raw.sns.certificateHosts] } }),
    functions,
    mappings: raw.mappings.map((mapping, index) => resolveMapping(mapping, baseDir, context.mappingLocation(index))),
  };
}

function resolveFunction(name: string, fn: RawFunction, baseDir: string): FunctionConfig {
  return {
    name,
    invoker: resolveInvoker(fn, baseDir),
    timeout: fn.timeout,
    memorySize: fn.memorySize,
    environment: { ...fn.environment },
  };
}

function resolveInvoker(fn: RawFunction, baseDir: string): InvokerConfig {
  const invoker = fn.invoker;
  if (invoker === undefined) {
    const reference = parseHandler(fn.handler ?? '', baseDir);
    if ('error' in reference) throw new Error(`unchecked handler: ${reference.error}`);
    const modulePath = findHandlerFile(reference.moduleBase) ?? `${reference.moduleBase}${HANDLER_EXTENSIONS[0]}`;
    return { type: 'local', handler: reference.moduleBase, modulePath, exportName: reference.exportPath, isolation: fn.isolation ?? 'process' };
  }
  switch (invoker.type) {
    case 'lambda':
      return {
        type: 'lambda',
        functionName: invoker.functionName,
        ...(invoker.qualifier === undefined ? {} : { qualifier: invoker.qualifier }),
        ...(invoker.endpoint === undefined ? {} : { endpoint: invoker.endpoint }),
      };
    case 'http':
      return { type: 'http', url: invoker.url, headers: { ...invoker.headers } };
    case 'command': {
      const argv = typeof invoker.command === 'string' ? splitCommand(invoker.command) : [...invoker.command];
      if (!Array.isArray(argv)) throw new Error(`unchecked command: ${argv.error}`);
      return { type: 'command', command: argv, persistent: invoker.persistent, cwd: path.resolve(baseDir, invoker.cwd ?? '.') };
    }
    case 'module':
      return { type: 'module', module: path.resolve(baseDir, invoker.module), options: { ...invoker.options } };
  }
}

function resolveMapping(raw: RawMapping, baseDir: string, location: SourceLocation): Mapping {
  const type = raw.source.type;
  const isStream = type === 'kinesis' || type === 'dynamodb';
  const isPush = type === 's3' || type === 'sns' || type === 'schedule';
  const source = resolveSource(raw.source, baseDir);
  const replay = 'replay' in source ? source.replay : undefined;
  const startingPosition = isStream ? (raw.startingPosition ?? (replay === undefined ? undefined : 'TRIM_HORIZON')) : undefined;
  const timestamp = raw.startingPositionTimestamp;
  return {
    name: raw.name,
    function: raw.function,
    source,
    enabled: raw.enabled,
    batchSize: raw.batchSize ?? (type === 'sqs' ? 10 : isStream ? 100 : 1),
    maximumBatchingWindowInSeconds: raw.maximumBatchingWindowInSeconds ?? 0,
    parallelizationFactor: raw.parallelizationFactor ?? 1,
    ...(startingPosition === undefined ? {} : { startingPosition }),
    ...(timestamp === undefined
      ? {}
      : { startingPositionTimestamp: typeof timestamp === 'number' ? new Date(timestamp * 1000).toISOString() : new Date(timestamp).toISOString() }),
    bisectBatchOnFunctionError: raw.bisectBatchOnFunctionError ?? false,
    maximumRetryAttempts: raw.maximumRetryAttempts ?? (isPush ? 2 : -1),
    maximumRecordAgeInSeconds: raw.maximumRecordAgeInSeconds ?? -1,
    maximumEventAgeInSeconds: raw.maximumEventAgeInSeconds ?? 21_600,
    destinationConfig: {
      ...(raw.destinationConfig?.onFailure === undefined ? {} : { onFailure: { ...raw.destinationConfig.onFailure } }),
      ...(raw.destinationConfig?.onSuccess === undefined ? {} : { onSuccess: { ...raw.destinationConfig.onSuccess } }),
    },
    functionResponseTypes: [...(raw.functionResponseTypes ?? [])],
    ...(raw.filterCriteria === undefined ? {} : { filterCriteria: resolveFilterCriteria(raw.filterCriteria) }),
    tumblingWindowInSeconds: raw.tumblingWindowInSeconds ?? 0,
    ...(raw.scalingConfig === undefined ? {} : { scalingConfig: { ...raw.scalingConfig } }),
    ...(raw.provisionedPollerConfig === undefined ? {} : { provisionedPollerConfig: resolvePollers(raw.provisionedPollerConfig) }),
    location,
  };
}

function resolvePollers(raw: NonNullable<RawMapping['provisionedPollerConfig']>): ProvisionedPollerConfig {
  return {
    minimumPollers: raw.minimumPollers ?? DEFAULT_MINIMUM_POLLERS,
    ...(raw.maximumPollers === undefined ? {} : { maximumPollers: raw.maximumPollers }),
  };
}

/** Filter patterns as Lambda takes them: JSON strings (YAML mappings are serialized). */
function resolveFilterCriteria(raw: NonNullable<RawMapping['filterCriteria']>): FilterCriteria {
  return {
    filters: raw.filters.map(({ pattern }) => ({ pattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern) })),
  };
}

function resolveSource(raw: RawSource, baseDir: string): Source {
  const replay = raw.type !== 'schedule' && raw.replay !== undefined ? { replay: path.resolve(baseDir, raw.replay) } : {};
  switch (raw.type) {
    case 'sqs':
      return {
        type: 'sqs',
        queue: raw.queue,
        waitTimeSeconds: raw.waitTimeSeconds,
        ...(raw.maxReceiveCount === undefined ? {} : { maxReceiveCount: raw.maxReceiveCount }),
        ...replay,
      };
    case 'kinesis':
      return { type: 'kinesis', stream: raw.stream, ...replay };
    case 'dynamodb':
      return {
        type: 'dynamodb',
        ...(raw.table === undefined ? {} : { table: raw.table }),
        ...(raw.streamArn === undefined ? {} : { streamArn: raw.streamArn }),
        ...replay,
      };
    case 's3':
      return {
        type: 's3',
        bucket: raw.bucket,
        events: [...raw.events],
        ...(raw.filter === undefined
          ? {}
          : {
              filter: {
                ...(raw.filter.prefix === undefined ? {} : { prefix: raw.filter.prefix }),
                ...(raw.filter.suffix === undefined ? {} : { suffix: raw.filter.suffix }),
              },
            }),
        ...(raw.via === undefined
          ? {}
          : {
              via:
                'queue' in raw.via
                  ? { queue: raw.via.queue }
                  : { topic: raw.via.topic, ...(raw.via.endpointUrl === undefined ? {} : { endpointUrl: raw.via.endpointUrl }) },
            }),
        ...(raw.queueSize === undefined ? {} : { queueSize: raw.queueSize }),
        ...replay,
      };
    case 'sns':
      return {
        type: 'sns',
        topic: raw.topic,
        subscribe: raw.subscribe,
        ...(raw.endpointUrl === undefined ? {} : { endpointUrl: raw.endpointUrl }),
        ...(raw.verifySignatures === undefined ? {} : { verifySignatures: raw.verifySignatures }),
        rawMessageDelivery: raw.rawMessageDelivery,
        ...(raw.queueSize === undefined ? {} : { queueSize: raw.queueSize }),
        ...replay,
      };
    case 'schedule':
      return { type: 'schedule', expression: raw.expression, timezone: raw.timezone, ...(raw.queueSize === undefined ? {} : { queueSize: raw.queueSize }) };
  }
}
