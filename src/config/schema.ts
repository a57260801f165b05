/**
 * The YAML file's shape, as users write it, with AWS's limits. Every object is
 * strict: an unknown key is an error. Rules that depend on the source type
 * (which keys apply, FIFO limits, per-type defaults) live in `checks.ts` and
 * `resolve.ts`, so this schema stays convertible to JSON Schema.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
 */
import { z } from 'zod';
import {
  QUEUE_OR_TOPIC_ARN,
  httpUrl,
  infiniteOrBetween,
  intBetween,
  isoTimeOrEpochSeconds,
  nonEmptyString,
} from './schema-helpers.js';
import { sourceSchema } from './schema-sources.js';

/** The port sluice listens on unless told otherwise (free of common dev servers). */
export const DEFAULT_HTTP_PORT = 9323;

const destination = z.strictObject({
  destination: z.string().regex(QUEUE_OR_TOPIC_ARN, {
    error: (issue) =>
      `must be the ARN of an SQS queue or SNS topic (arn:aws:sqs:REGION:ACCOUNT:NAME or arn:aws:sns:...), got ${JSON.stringify(issue.input)}`,
  }),
});

/** One event source mapping: CreateEventSourceMapping's parameters in camelCase. */
export const mappingSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      error: (issue) =>
        `must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit, got ${JSON.stringify(issue.input)}`,
    })
    .describe('Unique name of the mapping; it keys checkpoints and logs.'),
  function: nonEmptyString().describe('A key of `functions`.'),
  source: sourceSchema,
  enabled: z.boolean().default(true).describe('Default true.'),
  batchSize: intBetween(1, 10_000)
    .optional()
    .describe('SQS: default 10, max 10,000 (FIFO: 10; above 10 needs a batching window). Streams: default 100, max 10,000.'),
  maximumBatchingWindowInSeconds: intBetween(0, 300).optional().describe('0-300; default 0. Not for FIFO queues.'),
  parallelizationFactor: intBetween(1, 10).optional().describe('Streams: concurrent batches per shard, 1-10; default 1.'),
  startingPosition: z
    .enum(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'])
    .optional()
    .describe('Streams: required for live sources; TRIM_HORIZON for replay. DynamoDB has no AT_TIMESTAMP.'),
  startingPositionTimestamp: isoTimeOrEpochSeconds()
    .optional()
    .describe('With AT_TIMESTAMP: an ISO 8601 time or epoch seconds.'),
  bisectBatchOnFunctionError: z.boolean().optional().describe('Streams: split a failed batch in two; default false.'),
  maximumRetryAttempts: intBetween(-1, 10_000)
    .optional()
    .describe('Streams: -1 (infinite, default) or 0-10,000. S3, SNS and schedules: 0-2, default 2.'),
  maximumRecordAgeInSeconds: infiniteOrBetween(60, 604_800)
    .optional()
    .describe('Streams: -1 (infinite, default) or 60-604,800.'),
  maximumEventAgeInSeconds: intBetween(60, 21_600)
    .optional()
    .describe('S3, SNS and schedules: 60-21,600; default 21,600.'),
  destinationConfig: z
    .strictObject({ onFailure: destination.optional(), onSuccess: destination.optional() })
    .optional()
    .describe('onFailure: streams and push sources (SQS uses its redrive policy). onSuccess: push sources only.'),
  functionResponseTypes: z
    .array(z.enum(['ReportBatchItemFailures']))
    .max(1, { error: 'must list ReportBatchItemFailures at most once' })
    .optional()
    .describe('SQS, Kinesis, DynamoDB: [ReportBatchItemFailures] for partial batch responses.'),
  filterCriteria: z
    .strictObject({
      filters: z
        .array(
          z.strictObject({
            pattern: z
              .union([
                z.string().max(4096, {
                  error: (issue) => `must be at most 4096 characters (AWS limit), got ${String((issue.input as string).length)}`,
                }),
                z.record(z.string(), z.unknown()),
              ], { error: 'must be a JSON string or a YAML mapping' })
              .describe('An event filter pattern: a JSON string (as AWS takes it) or a YAML mapping.'),
          }),
        )
        .min(1, { error: 'must have at least 1 filter' })
        .max(10, { error: 'must have at most 10 filters (AWS quota maximum)' }),
    })
    .optional()
    .describe('SQS, Kinesis, DynamoDB: up to 5 filters (10 with limits.maxFiltersPerMapping).'),
  tumblingWindowInSeconds: intBetween(0, 900).optional().describe('Streams: 0-900; default 0 (none).'),
  scalingConfig: z
    .strictObject({ maximumConcurrency: intBetween(2, 1000) })
    .optional()
    .describe('SQS: maximum concurrent invocations, 2-1,000.'),
  provisionedPollerConfig: z
    .strictObject({
      minimumPollers: intBetween(2, 200).optional().describe('SQS: 2-200; default 2.'),
      maximumPollers: intBetween(2, 10_000).optional().describe('SQS: 2-10,000; each poller runs up to 10 concurrent invocations.'),
      pollerGroupName: z.string().optional().describe('Amazon MSK and self-managed Apache Kafka only: an error for SQS.'),
    })
    .optional()
    .describe("SQS: provisioned mode's minimum and maximum event pollers; not with scalingConfig."),
});

const lambdaInvoker = z.strictObject({
  type: z.literal('lambda'),
  functionName: nonEmptyString().describe('Name, ARN or name:qualifier.'),
  qualifier: nonEmptyString().optional(),
  endpoint: httpUrl().optional().describe('Lambda API endpoint; default the top-level endpoint.'),
});
const httpInvoker = z.strictObject({
  type: z.literal('http'),
  url: httpUrl(),
  headers: z.record(z.string(), z.string()).default({}),
});
const commandInvoker = z.strictObject({
  type: z.literal('command'),
  command: z
    .union([nonEmptyString(), z.array(nonEmptyString()).min(1, { error: 'must not be empty' })], {
      error: (issue) => `must be a command line string or an argv array, got ${typeof issue.input}`,
    })
    .describe('A command line (split on whitespace, quotes respected) or an argv array.'),
  persistent: z.boolean().default(false).describe('Keep one process per environment, speaking NDJSON; default false.'),
  cwd: nonEmptyString().optional().describe('Working directory, relative to the config file; default its directory.'),
});
const moduleInvoker = z.strictObject({
  type: z.literal('module'),
  module: nonEmptyString().describe('A module exporting createInvoker(options), relative to the config file.'),
  options: z.record(z.string(), z.unknown()).default({}),
});

/** How a function is invoked when it is not a local `handler`. */
export const invokerSchema = z.discriminatedUnion('type', [lambdaInvoker, httpInvoker, commandInvoker, moduleInvoker]);

const ENV_NAME = /^[a-zA-Z][a-zA-Z0-9_]+$/;

/** A function: a local handler (Lambda's Handler convention) or an invoker. */
export const functionSchema = z.strictObject({
  handler: nonEmptyString()
    .optional()
    .describe('Lambda Handler setting, relative to the config file: ./path/module.export (exactly one of handler / invoker).'),
  invoker: invokerSchema.optional(),
  isolation: z
    .enum(['process', 'thread'])
    .optional()
    .describe(
      'With handler: what each execution environment runs in. process (default): a child Node process, as isolated as a Lambda environment. thread: a worker thread in sluice, cheaper to start and to call, sharing sluice\'s time zone and working directory.',
    ),
  timeout: intBetween(1, 900).default(3).describe('Seconds, 1-900; default 3.'),
  memorySize: intBetween(128, 10_240).default(128).describe('MB, 128-10,240; default 128.'),
  environment: z
    .record(
      z.string().regex(ENV_NAME, {
        error: 'must be a valid environment variable name (a letter, then letters, digits or "_"; at least 2 characters)',
      }),
      z.string(),
    )
    .default({})
    .describe('Environment variables; values must be strings (quote numbers and booleans).'),
});

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const USAGE =
  'sluice configuration. For editor completion, put this line first in your YAML file: ' +
  '# yaml-language-server: $schema=./node_modules/sluice/config/sluice.schema.json';

/** The whole configuration file. */
export const configSchema = z
  .strictObject({
    region: z
      .string()
      .regex(/^[a-z]{2,}(?:-[a-z]+)+-\d+$/, { error: (issue) => `must be an AWS region such as "us-east-1", got ${JSON.stringify(issue.input)}` })
      .optional()
      .describe('AWS region. Precedence: this key, then AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1.'),
    account: z
      .string()
      .regex(/^\d{12}$/, { error: (issue) => `must be 12 digits, got ${JSON.stringify(issue.input)}` })
      .default('000000000000')
      .describe('Account id used in ARNs; default 000000000000 (quote it in YAML).'),
    endpoint: httpUrl().optional().describe('Endpoint for every AWS client (e.g. http://localhost:4566 for LocalStack).'),
    stateDir: nonEmptyString().optional().describe('Checkpoints and state, relative to the config file; default .sluice/state.'),
    http: z
      .strictObject({
        host: nonEmptyString().default('127.0.0.1'),
        port: intBetween(0, 65_535, 'TCP port range').default(DEFAULT_HTTP_PORT),
        token: nonEmptyString().optional().describe('Bearer token required by the control endpoints.'),
      })
      .prefault({})
      .describe(`The push, health and control HTTP listener; default 127.0.0.1:${DEFAULT_HTTP_PORT}.`),
    sns: z
      .strictObject({
        certificateHosts: z
          .array(nonEmptyString())
          .optional()
          .describe('Hosts SNS signing certificates may be fetched from (https only); default sns.<region>.amazonaws.com.'),
      })
      .optional()
      .describe('SNS HTTP delivery settings.'),
    limits: z
      .strictObject({
        maxFiltersPerMapping: intBetween(1, 10, 'AWS quota maximum')
          .default(5)
          .describe("Filters allowed per mapping: AWS's default quota is 5, raisable to 10."),
      })
      .prefault({}),
    functions: z
      .record(
        z.string().regex(FUNCTION_NAME, { error: 'must be 1-64 letters, digits, "-" or "_" (Lambda function name)' }),
        functionSchema,
      )
      .default({}),
    mappings: z.array(mappingSchema).default([]),
  })
  .meta({ title: 'sluice configuration', description: USAGE });

export type RawConfig = z.output<typeof configSchema>;
export type RawMapping = z.output<typeof mappingSchema>;
export type RawFunction = z.output<typeof functionSchema>;
export type RawInvoker = z.output<typeof invokerSchema>;

/** The JSON Schema of the file, for editors (`config/sluice.schema.json`). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
}

/** `config/sluice.schema.json`'s exact content, as `npm run schema` writes it. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
