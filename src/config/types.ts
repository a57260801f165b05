/**
 * The loaded, validated, defaulted and frozen configuration. Everything after
 * `loadConfig` reads these types and never validates again.
 *
 * Mapping keys mirror Lambda's CreateEventSourceMapping parameters in camelCase.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
 */

export const SourceType = {
  sqs: 'sqs',
  kinesis: 'kinesis',
  dynamodb: 'dynamodb',
  s3: 's3',
  sns: 'sns',
  schedule: 'schedule',
} as const;
export type SourceType = (typeof SourceType)[keyof typeof SourceType];

export type StartingPosition = 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
export type FunctionResponseType = 'ReportBatchItemFailures';

/** Where a source came from in the config file, for log lines and error messages. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

interface SourceBase {
  /** A JSON Lines replay file (absolute path, resolved against the config file). */
  readonly replay?: string;
}

export interface SqsSource extends SourceBase {
  readonly type: 'sqs';
  /** Queue name, URL or ARN, as written. */
  readonly queue: string;
  /** Long-poll wait, 0-20 s; default 20. */
  readonly waitTimeSeconds: number;
  /** Replay only: the simulated queue's redrive policy `maxReceiveCount`. */
  readonly maxReceiveCount?: number;
}

export interface KinesisSource extends SourceBase {
  readonly type: 'kinesis';
  /** Stream name or ARN. */
  readonly stream: string;
}

export interface DynamoDbSource extends SourceBase {
  readonly type: 'dynamodb';
  /** A table name whose latest stream is used ... */
  readonly table?: string;
  /** ... or the stream ARN itself. Exactly one of `table` / `streamArn`. */
  readonly streamArn?: string;
}

export interface S3Source extends SourceBase {
  readonly type: 's3';
  readonly bucket: string;
  /** Event names as S3 notification configurations have them, wildcards allowed; default `s3:ObjectCreated:*`. */
  readonly events: readonly string[];
  /** Key filter rules, as S3's `Filter.Key.FilterRules`. */
  readonly filter?: { readonly prefix?: string; readonly suffix?: string };
  /**
   * Notifications delivered through a queue or topic (how AWS and LocalStack deliver them). With
   * a topic, sluice subscribes `endpointUrl` (default its own `/s3/<mapping>` URL) at start.
   */
  readonly via?: { readonly queue: string } | { readonly topic: string; readonly endpointUrl?: string };
  /** Events accepted but not yet handled, at most; a full queue answers 429. Default 1,000. */
  readonly queueSize?: number;
}

export interface SnsSource extends SourceBase {
  readonly type: 'sns';
  /** Topic name or ARN. */
  readonly topic: string;
  /** Create the HTTP subscription at start. */
  readonly subscribe: boolean;
  /** The URL at which SNS can reach sluice's endpoint for this mapping (when `subscribe`). */
  readonly endpointUrl?: string;
  /** Verify message signatures; default true for AWS endpoints, false for emulators. */
  readonly verifySignatures?: boolean;
  readonly rawMessageDelivery: boolean;
  /** Events accepted but not yet handled, at most; a full queue answers 503. Default 1,000. */
  readonly queueSize?: number;
}

export interface ScheduleSource {
  readonly type: 'schedule';
  /** `rate(...)`, `cron(...)` or `at(...)`. */
  readonly expression: string;
  /** IANA time zone, as EventBridge Scheduler has; default UTC. */
  readonly timezone: string;
  /** Events accepted but not yet handled, at most; a tick that finds it full is logged and dropped. Default 1,000. */
  readonly queueSize?: number;
}

export type Source = SqsSource | KinesisSource | DynamoDbSource | S3Source | SnsSource | ScheduleSource;

export interface FilterCriteria {
  /** Each pattern is the JSON string Lambda takes (YAML objects are serialized to it). */
  readonly filters: readonly { readonly pattern: string }[];
}

export interface DestinationConfig {
  readonly onFailure?: { readonly destination: string };
  /** Push (asynchronous) sources only. */
  readonly onSuccess?: { readonly destination: string };
}

export interface Mapping {
  readonly name: string;
  readonly function: string;
  readonly source: Source;
  readonly enabled: boolean;
  /** SQS default 10, streams 100; 1-10,000. */
  readonly batchSize: number;
  /** 0-300; default 0. */
  readonly maximumBatchingWindowInSeconds: number;
  /** Streams: 1-10; default 1. */
  readonly parallelizationFactor: number;
  /** Streams only; TRIM_HORIZON for replay sources when omitted. */
  readonly startingPosition?: StartingPosition;
  /** ISO time, with AT_TIMESTAMP. */
  readonly startingPositionTimestamp?: string;
  readonly bisectBatchOnFunctionError: boolean;
  /** Streams: -1 (forever) or 0-10,000; push sources: 0-2 (default 2). */
  readonly maximumRetryAttempts: number;
  /** Streams: -1 or 60-604,800. */
  readonly maximumRecordAgeInSeconds: number;
  /** Push sources: 60-21,600; default 21,600. */
  readonly maximumEventAgeInSeconds: number;
  readonly destinationConfig: DestinationConfig;
  readonly functionResponseTypes: readonly FunctionResponseType[];
  readonly filterCriteria?: FilterCriteria;
  /** Streams: 0-900; 0 = no tumbling window. */
  readonly tumblingWindowInSeconds: number;
  /** SQS: 2-1,000. */
  readonly scalingConfig?: { readonly maximumConcurrency: number };
  /** SQS provisioned mode (not with `scalingConfig`): pollers kept polling, and the most it scales to. */
  readonly provisionedPollerConfig?: ProvisionedPollerConfig;
  /** Where the mapping was defined. */
  readonly location: SourceLocation;
}

/** @see https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html */
export interface ProvisionedPollerConfig {
  /** 2-200; default 2. */
  readonly minimumPollers: number;
  /** 2-10,000, at least `minimumPollers`; AWS's default of 200 is not applied (see `receiver-scaling.ts`). */
  readonly maximumPollers?: number;
}

export interface LocalInvokerConfig {
  readonly type: 'local';
  /** Lambda's Handler convention resolved: absolute module path without extension ... */
  readonly handler: string;
  /** ... the module file found for it, and the export name. */
  readonly modulePath: string;
  readonly exportName: string;
  /** What each execution environment runs in: a child process (default) or a worker thread. */
  readonly isolation: Isolation;
}

/** `process`: one child Node process per execution environment; `thread`: one worker thread. */
export type Isolation = 'process' | 'thread';
export interface LambdaInvokerConfig {
  readonly type: 'lambda';
  /** Name, ARN, or name:qualifier. */
  readonly functionName: string;
  readonly qualifier?: string;
  readonly endpoint?: string;
}
export interface HttpInvokerConfig {
  readonly type: 'http';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}
export interface CommandInvokerConfig {
  readonly type: 'command';
  /** argv; the first element is the program. */
  readonly command: readonly string[];
  /** One long-lived process per concurrent environment, speaking NDJSON. */
  readonly persistent: boolean;
  readonly cwd: string;
}
export interface ModuleInvokerConfig {
  readonly type: 'module';
  /** Absolute path of a module exporting `createInvoker(options)`. */
  readonly module: string;
  readonly options: Readonly<Record<string, unknown>>;
}
export type InvokerConfig =
  | LocalInvokerConfig
  | LambdaInvokerConfig
  | HttpInvokerConfig
  | CommandInvokerConfig
  | ModuleInvokerConfig;

export interface FunctionConfig {
  readonly name: string;
  readonly invoker: InvokerConfig;
  /** Seconds; default 3, as Lambda; 1-900. */
  readonly timeout: number;
  /** MB; default 128, as Lambda. */
  readonly memorySize: number;
  readonly environment: Readonly<Record<string, string>>;
}

export interface Config {
  /** Absolute path of the config file. */
  readonly file: string;
  /** Directory of the config file: relative paths resolve against it. */
  readonly baseDir: string;
  readonly region: string;
  readonly account: string;
  /** Endpoint for every AWS client, unless a per-service variable overrides it. */
  readonly endpoint?: string;
  /** Checkpoints and other state; default `.sluice/state` beside the config file. */
  readonly stateDir: string;
  /** The push/health/control HTTP listener. */
  readonly http: { readonly host: string; readonly port: number; readonly token?: string };
  /**
   * SNS message signature checks: hosts (besides `sns.<region>.amazonaws.com`) that signing
   * certificates may be fetched from over https.
   */
  readonly sns?: { readonly certificateHosts?: readonly string[] };
  readonly functions: Readonly<Record<string, FunctionConfig>>;
  readonly mappings: readonly Mapping[];
}
