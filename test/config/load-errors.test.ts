/**
 * One small bad config per row, each asserting every issue exactly as
 * `sluice validate` prints it: `FILE:LINE:COL key.path: message`.
 * `{F}` stands for the config file, `{D}` for its directory.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { formatConfigIssue } from '../../src/errors.js';
import { validateConfigFile } from '../../src/config/load.js';
import { createProject, ORDERS_HANDLER, yaml, type Project } from './project-fixture.js';

interface BadConfig {
  readonly name: string;
  readonly config: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly env?: NodeJS.ProcessEnv;
  readonly expected: readonly string[];
}

/** Lines 1-3 of most fixtures: the function every mapping points at. */
const FN = 'functions:\n  orders:\n    handler: ./functions/orders.handler\n';

/** FN plus one mapping starting at line 5 (its first key at 5:5), its source at line 7. */
const sqsMapping = (extra: string, source = '{ type: sqs, queue: orders }'): string =>
  `${FN}mappings:\n  - name: m\n    function: orders\n    source: ${source}\n${extra}`;

const kinesisMapping = (extra: string): string => sqsMapping(extra, '{ type: kinesis, stream: clicks }');

const cases: readonly BadConfig[] = [
  {
    name: 'YAML syntax error',
    config: yaml(`
      functions:
        orders: { handler: ./functions/orders.handler
      mappings: []
    `),
    expected: ['{F}:3:1 functions.orders.handler: YAML syntax error: flow map in block collection must be sufficiently indented and end with a }'],
  },
  {
    name: 'duplicate key',
    config: `${FN}    timeout: 3\n    timeout: 5\n`,
    expected: ['{F}:5:5 functions.orders.timeout: duplicate key "timeout" (first defined at line 4)'],
  },
  {
    name: 'unknown top-level key, with a hint',
    config: `${FN}mapping: []\n`,
    expected: ['{F}:4:1 mapping: unknown key "mapping" (did you mean "mappings"?)'],
  },
  {
    name: 'unknown mapping key, with a hint',
    config: sqsMapping('    batchsize: 5\n'),
    expected: ['{F}:8:5 mappings[0].batchsize: unknown key "batchsize" (did you mean "batchSize"?)'],
  },
  {
    name: 'unknown function key, with a hint',
    config: 'functions:\n  orders:\n    handlr: ./functions/orders.handler\n',
    expected: [
      '{F}:2:3 functions.orders: orders must have a handler or an invoker',
      '{F}:3:5 functions.orders.handlr: unknown key "handlr" (did you mean "handler"?)',
    ],
  },
  {
    name: 'unknown source key, naming the source type',
    config: sqsMapping('', '{ type: sqs, queue: q, queueUrl: x }'),
    expected: ['{F}:7:36 mappings[0].source.queueUrl: unknown key "queueUrl" for source type "sqs"'],
  },
  {
    name: 'unknown source type, with a hint',
    config: sqsMapping('', '{ type: sqx, queue: q }'),
    expected: [
      '{F}:7:15 mappings[0].source.type: type must be one of "sqs", "kinesis", "dynamodb", "s3", "sns", "schedule", got string "sqx" (did you mean "sqs"?)',
    ],
  },
  {
    name: 'missing required source key',
    config: sqsMapping('', '{ type: sqs }'),
    expected: ['{F}:7:5 mappings[0].source.queue: queue is required'],
  },
  {
    name: 'wrong type',
    config: `${FN}    timeout: soon\n`,
    expected: ['{F}:4:5 functions.orders.timeout: timeout must be a number, got string "soon"'],
  },
  {
    name: 'account written as a number',
    config: `account: 000000000000\n${FN}`,
    expected: ['{F}:1:1 account: account must be a string, got number 000000000000 (quote it in YAML: "000000000000")'],
  },
  {
    name: 'environment value not a string',
    config: `${FN}    environment:\n      RETRIES: 3\n`,
    expected: ['{F}:5:7 functions.orders.environment.RETRIES: RETRIES must be a string, got number 3 (quote it in YAML: "3")'],
  },
  {
    name: 'batchSize out of range',
    config: sqsMapping('    batchSize: 20000\n'),
    expected: ['{F}:8:5 mappings[0].batchSize: batchSize must be between 1 and 10000 (AWS limit), got 20000'],
  },
  {
    name: 'SQS batchSize above 10 without a batching window',
    config: sqsMapping('    batchSize: 50\n'),
    expected: [
      '{F}:8:5 mappings[0].batchSize: batchSize above 10 requires maximumBatchingWindowInSeconds of at least 1 for standard queues (AWS rule), got batchSize 50 with a window of 0',
    ],
  },
  {
    name: 'FIFO queue batchSize above 10',
    config: sqsMapping('    batchSize: 20\n', '{ type: sqs, queue: orders.fifo }'),
    expected: ['{F}:8:5 mappings[0].batchSize: batchSize must be between 1 and 10 for FIFO queues (AWS limit), got 20'],
  },
  {
    name: 'FIFO queue with a batching window',
    config: sqsMapping('    maximumBatchingWindowInSeconds: 5\n', '{ type: sqs, queue: orders.fifo }'),
    expected: [
      '{F}:8:5 mappings[0].maximumBatchingWindowInSeconds: maximumBatchingWindowInSeconds is not supported for FIFO queues (AWS rule)',
    ],
  },
  {
    name: 'parallelizationFactor on SQS',
    config: sqsMapping('    parallelizationFactor: 2\n'),
    expected: [
      '{F}:8:5 mappings[0].parallelizationFactor: parallelizationFactor is not valid for sqs sources (kinesis and dynamodb only)',
    ],
  },
  {
    name: 'tumblingWindowInSeconds on SQS',
    config: sqsMapping('    tumblingWindowInSeconds: 60\n'),
    expected: [
      '{F}:8:5 mappings[0].tumblingWindowInSeconds: tumblingWindowInSeconds is not valid for sqs sources (kinesis and dynamodb only)',
    ],
  },
  {
    name: 'scalingConfig and provisionedPollerConfig together (services-sqs-scaling: mutually exclusive)',
    config: sqsMapping('    scalingConfig: { maximumConcurrency: 10 }\n    provisionedPollerConfig: { minimumPollers: 2 }\n'),
    expected: [
      '{F}:8:5 mappings[0].scalingConfig: scalingConfig and provisionedPollerConfig are mutually exclusive for sqs sources (AWS rule): keep maximumConcurrency or provisioned mode, not both',
    ],
  },
  {
    name: 'maximumPollers below minimumPollers',
    config: sqsMapping('    provisionedPollerConfig:\n      minimumPollers: 10\n      maximumPollers: 5\n'),
    expected: ['{F}:10:7 mappings[0].provisionedPollerConfig.maximumPollers: maximumPollers must be at least minimumPollers (10), got 5'],
  },
  {
    name: 'minimumPollers below the SQS minimum of 2 (API_ProvisionedPollerConfig)',
    config: sqsMapping('    provisionedPollerConfig: { minimumPollers: 1 }\n'),
    expected: ['{F}:8:32 mappings[0].provisionedPollerConfig.minimumPollers: minimumPollers must be between 2 and 200 (AWS limit), got 1'],
  },
  {
    name: 'pollerGroupName on SQS (a Kafka key)',
    config: sqsMapping('    provisionedPollerConfig: { pollerGroupName: shared }\n'),
    expected: [
      '{F}:8:32 mappings[0].provisionedPollerConfig.pollerGroupName: pollerGroupName is not valid for sqs sources (Amazon MSK and self-managed Apache Kafka only)',
    ],
  },
  {
    name: 'provisionedPollerConfig on Kinesis',
    config: kinesisMapping('    startingPosition: LATEST\n    provisionedPollerConfig: { minimumPollers: 2 }\n'),
    expected: ['{F}:9:5 mappings[0].provisionedPollerConfig: provisionedPollerConfig is not valid for kinesis sources (sqs only)'],
  },
  {
    name: 'functionResponseTypes on S3',
    config: sqsMapping('    functionResponseTypes: [ReportBatchItemFailures]\n', '{ type: s3, bucket: uploads }'),
    expected: [
      '{F}:8:5 mappings[0].functionResponseTypes: functionResponseTypes is not valid for s3 sources (sqs, kinesis and dynamodb only)',
    ],
  },
  {
    name: 'missing startingPosition on Kinesis',
    config: kinesisMapping(''),
    expected: [
      '{F}:5:5 mappings[0].startingPosition: startingPosition is required for kinesis sources (TRIM_HORIZON, LATEST or AT_TIMESTAMP)',
    ],
  },
  {
    name: 'startingPosition misspelled, with a hint',
    config: kinesisMapping('    startingPosition: LATES\n'),
    expected: [
      '{F}:8:5 mappings[0].startingPosition: startingPosition must be one of "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP", got string "LATES" (did you mean "LATEST"?)',
    ],
  },
  {
    name: 'AT_TIMESTAMP on DynamoDB',
    config: sqsMapping('    startingPosition: AT_TIMESTAMP\n', '{ type: dynamodb, table: orders }'),
    expected: [
      '{F}:8:5 mappings[0].startingPosition: startingPosition AT_TIMESTAMP is not supported for dynamodb sources (TRIM_HORIZON or LATEST)',
    ],
  },
  {
    name: 'AT_TIMESTAMP without startingPositionTimestamp',
    config: kinesisMapping('    startingPosition: AT_TIMESTAMP\n'),
    expected: [
      '{F}:5:5 mappings[0].startingPositionTimestamp: startingPositionTimestamp is required with startingPosition AT_TIMESTAMP',
    ],
  },
  {
    name: 'maximumRetryAttempts out of range for a stream',
    config: kinesisMapping('    startingPosition: LATEST\n    maximumRetryAttempts: 10001\n'),
    expected: [
      '{F}:9:5 mappings[0].maximumRetryAttempts: maximumRetryAttempts must be between -1 and 10000 (AWS limit), got 10001',
    ],
  },
  {
    name: 'maximumRetryAttempts out of range for a push source',
    config: sqsMapping('    maximumRetryAttempts: 3\n', '{ type: s3, bucket: uploads }'),
    expected: [
      '{F}:8:5 mappings[0].maximumRetryAttempts: maximumRetryAttempts must be between 0 and 2 for s3 sources (asynchronous invocation limit), got 3',
    ],
  },
  {
    name: 'maximumRecordAgeInSeconds 30',
    config: kinesisMapping('    startingPosition: LATEST\n    maximumRecordAgeInSeconds: 30\n'),
    expected: [
      '{F}:9:5 mappings[0].maximumRecordAgeInSeconds: maximumRecordAgeInSeconds must be -1 (infinite) or between 60 and 604800 (AWS limit), got 30',
    ],
  },
  {
    name: 'maximumEventAgeInSeconds on SQS',
    config: sqsMapping('    maximumEventAgeInSeconds: 600\n'),
    expected: [
      '{F}:8:5 mappings[0].maximumEventAgeInSeconds: maximumEventAgeInSeconds is not valid for sqs sources (s3, sns and schedule only)',
    ],
  },
  {
    name: 'onFailure on SQS',
    config: sqsMapping(
      '    destinationConfig:\n      onFailure:\n        destination: arn:aws:sqs:us-east-1:000000000000:dlq\n',
    ),
    expected: [
      '{F}:9:7 mappings[0].destinationConfig.onFailure: destinationConfig is not supported for sqs sources: give the queue a redrive policy (dead-letter queue) instead',
    ],
  },
  {
    name: 'onSuccess on Kinesis',
    config: kinesisMapping(
      '    startingPosition: LATEST\n    destinationConfig:\n      onSuccess: { destination: "arn:aws:sns:us-east-1:000000000000:done" }\n',
    ),
    expected: [
      '{F}:10:7 mappings[0].destinationConfig.onSuccess: onSuccess is not valid for kinesis sources (s3, sns and schedule only)',
    ],
  },
  {
    name: 'bad destination ARN',
    config: kinesisMapping(
      '    startingPosition: LATEST\n    destinationConfig: { onFailure: { destination: arn:aws:lambda:us-east-1:000000000000:function:f } }\n',
    ),
    expected: [
      '{F}:9:39 mappings[0].destinationConfig.onFailure.destination: destination must be the ARN of an SQS queue or SNS topic (arn:aws:sqs:REGION:ACCOUNT:NAME or arn:aws:sns:...), got "arn:aws:lambda:us-east-1:000000000000:function:f"',
    ],
  },
  {
    name: 'unknown function, with a hint',
    config: `${FN}mappings:\n  - name: m\n    function: order\n    source: { type: sqs, queue: q }\n`,
    expected: ['{F}:6:5 mappings[0].function: function "order" is not defined in functions (did you mean "orders"?)'],
  },
  {
    name: 'duplicate mapping names',
    config: `${sqsMapping('')}  - name: m\n    function: orders\n    source: { type: sqs, queue: other }\n`,
    expected: ['{F}:8:5 mappings[1].name: duplicate mapping name "m" (also mappings[0])'],
  },
  {
    name: 'handler not in Lambda form',
    config: 'functions:\n  orders:\n    handler: ./functions/orders\n',
    expected: [
      `{F}:3:5 functions.orders.handler: handler must be MODULE.EXPORT as Lambda's Handler setting (e.g. ./functions/orders.handler), got "./functions/orders"`,
    ],
  },
  {
    name: 'missing handler file, naming the paths tried',
    config: 'functions:\n  orders:\n    handler: ./functions/missing.handler\n',
    expected: [
      '{F}:3:5 functions.orders.handler: handler module not found: tried {D}/functions/missing.js, {D}/functions/missing.mjs, {D}/functions/missing.cjs',
    ],
  },
  {
    name: 'missing export',
    config: 'functions:\n  orders:\n    handler: ./functions/orders.handle\n',
    expected: [
      '{F}:3:5 functions.orders.handler: handler export "handle" not found in {D}/functions/orders.mjs (it exports: handler)',
    ],
  },
  {
    name: 'export that is not a function',
    config: 'functions:\n  orders:\n    handler: ./functions/settings.handler\n',
    files: { 'functions/settings.cjs': 'module.exports = { handler: { retries: 3 } };\n' },
    expected: [
      '{F}:3:5 functions.orders.handler: handler export "handler" of {D}/functions/settings.cjs is an object, not a function',
    ],
  },
  {
    name: 'handler module that throws at load',
    config: 'functions:\n  orders:\n    handler: ./functions/broken.handler\n',
    files: { 'functions/broken.mjs': "export const handler = () => {};\nthrow new Error('no database');\n" },
    expected: ['{F}:3:5 functions.orders.handler: handler cannot load {D}/functions/broken.mjs (line 2): Error: no database'],
  },
  {
    name: 'both handler and invoker',
    config: `${FN}    invoker: { type: http, url: "http://127.0.0.1:3000/invoke" }\n`,
    expected: ['{F}:2:3 functions.orders: orders must have either handler or invoker, not both'],
  },
  {
    name: 'isolation on a function that has an invoker',
    config: 'functions:\n  orders:\n    invoker: { type: http, url: "http://127.0.0.1:3000/invoke" }\n    isolation: thread\n',
    expected: ['{F}:4:5 functions.orders.isolation: orders: isolation applies only to a local handler, not to an invoker of type http'],
  },
  {
    name: 'unknown isolation, with a hint',
    config: `${FN}    isolation: threads\n`,
    expected: ['{F}:4:5 functions.orders.isolation: isolation must be one of "process", "thread", got string "threads" (did you mean "thread"?)'],
  },
  {
    name: 'unknown invoker type, with a hint (and no complaint about the missing invoker)',
    config: 'functions:\n  orders:\n    invoker: { type: lamda, functionName: orders }\n',
    expected: [
      '{F}:3:16 functions.orders.invoker.type: type must be one of "lambda", "http", "command", "module", got string "lamda" (did you mean "lambda"?)',
    ],
  },
  {
    name: 'URL that is not http(s)',
    config: 'endpoint: localhost:4566\nfunctions: {}\n',
    expected: ['{F}:1:1 endpoint: endpoint must be an http(s) URL, got "localhost:4566"'],
  },
  {
    name: 'mapping name with spaces',
    config: `${FN}mappings:\n  - name: my mapping\n    function: orders\n    source: { type: sqs, queue: q }\n`,
    expected: [
      '{F}:5:5 mappings[0].name: name must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit, got "my mapping"',
    ],
  },
  {
    name: 'command with an unterminated quote',
    config: "functions:\n  orders:\n    invoker:\n      type: command\n      command: node 'handler.js\n",
    expected: ['{F}:5:7 functions.orders.invoker.command: command has an unterminated single quote at character 6'],
  },
  {
    name: 'DynamoDB table and streamArn both',
    config: sqsMapping(
      '    startingPosition: LATEST\n',
      '{ type: dynamodb, table: orders, streamArn: "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2024-01-01T00:00:00.000" }',
    ),
    expected: ['{F}:7:5 mappings[0].source: source needs exactly one of table or streamArn, got both'],
  },
  {
    name: 'unset ${VAR}, at the reference',
    config: sqsMapping('', '\n      type: sqs\n      queue: orders-${STAGE}'),
    expected: [
      '{F}:9:21 mappings[0].source.queue: environment variable "STAGE" is not set (write "${STAGE:-default}" to give a default)',
    ],
  },
  {
    name: 'unterminated ${',
    config: sqsMapping('', '\n      type: sqs\n      queue: "orders-${STAGE"'),
    expected: ['{F}:9:22 mappings[0].source.queue: unterminated "${" (write "$${" for a literal "${")'],
  },
  {
    name: 'too many filters',
    config: sqsMapping(
      `    filterCriteria:\n      filters:\n${'        - pattern: \'{"body":{"a":[1]}}\'\n'.repeat(6)}`,
    ),
    expected: [
      '{F}:9:7 mappings[0].filterCriteria.filters: filters must have at most 5 filters (AWS quota; limits.maxFiltersPerMapping raises it up to 10), got 6',
    ],
  },
  {
    name: 'filter pattern too long',
    config: sqsMapping(`    filterCriteria:\n      filters:\n        - pattern: '${'x'.repeat(5000)}'\n`),
    expected: [
      '{F}:10:11 mappings[0].filterCriteria.filters[0].pattern: pattern must be at most 4096 characters (AWS limit), got 5000',
    ],
  },
  {
    name: 'invalid time zone',
    config: sqsMapping('', '\n      type: schedule\n      expression: rate(5 minutes)\n      timezone: Mars/Olympus'),
    expected: [
      '{F}:10:7 mappings[0].source.timezone: timezone must be an IANA time zone such as "Europe/Paris", got "Mars/Olympus"',
    ],
  },
  {
    name: 'invalid schedule expression',
    config: sqsMapping('', '\n      type: schedule\n      expression: rate(0 minutes)'),
    expected: [
      '{F}:9:7 mappings[0].source.expression: invalid schedule expression "rate(0 minutes)": rate value must be a positive whole number, got "0"',
    ],
  },
  {
    name: 'SNS subscribe without endpointUrl',
    config: sqsMapping('', '{ type: sns, topic: orders, subscribe: true }'),
    expected: ['{F}:7:5 mappings[0].source.endpointUrl: endpointUrl is required when subscribe is true'],
  },
  {
    name: 'replay file missing',
    config: sqsMapping('', '\n      type: sqs\n      queue: orders\n      replay: ./records/orders.jsonl'),
    expected: ['{F}:10:7 mappings[0].source.replay: replay file not found: {D}/records/orders.jsonl'],
  },
  {
    name: 'maxReceiveCount without replay',
    config: sqsMapping('', '\n      type: sqs\n      queue: orders\n      maxReceiveCount: 3'),
    expected: [
      "{F}:10:7 mappings[0].source.maxReceiveCount: maxReceiveCount is only used with replay (a live queue's redrive policy is set in SQS)",
    ],
  },
  {
    name: 'empty file',
    config: '# nothing yet\n',
    expected: ['{F}:1:1 <root>: the config file is empty (it needs at least functions and mappings)'],
  },
  {
    // A bad key inside `source` no longer hides the mapping's own rules until it is fixed.
    name: 'a bad source key and the mapping rules it used to hide, at once',
    config: sqsMapping('    batchSize: 50\n    parallelizationFactor: 2\n', '{ type: sqs, queue: orders, waitTimeSeconds: 25, bogus: 1 }'),
    expected: [
      '{F}:7:41 mappings[0].source.waitTimeSeconds: waitTimeSeconds must be between 0 and 20 (SQS limit), got 25',
      '{F}:7:62 mappings[0].source.bogus: unknown key "bogus" for source type "sqs"',
      '{F}:8:5 mappings[0].batchSize: batchSize above 10 requires maximumBatchingWindowInSeconds of at least 1 for standard queues (AWS rule), got batchSize 50 with a window of 0',
      '{F}:9:5 mappings[0].parallelizationFactor: parallelizationFactor is not valid for sqs sources (kinesis and dynamodb only)',
    ],
  },
  {
    name: 'a source without its required key: the mapping rules wait until it has it',
    config: sqsMapping('    batchSize: 50\n', '{ type: sqs, queu: orders }'),
    expected: [
      '{F}:7:5 mappings[0].source.queue: queue is required',
      '{F}:7:26 mappings[0].source.queu: unknown key "queu" for source type "sqs" (did you mean "queue"?)',
    ],
  },
  {
    name: 'several problems at once, sorted by position',
    config: yaml(`
      region: us-east1
      functions:
        orders:
          handler: ./functions/orders.handler
          timeout: 901
      mappings:
        - name: m
          function: orders
          source: { type: kinesis, stream: clicks }
          batchSize: 0
    `),
    expected: [
      '{F}:1:1 region: region must be an AWS region such as "us-east-1", got "us-east1"',
      '{F}:5:5 functions.orders.timeout: timeout must be between 1 and 900 (AWS limit), got 901',
      '{F}:7:5 mappings[0].startingPosition: startingPosition is required for kinesis sources (TRIM_HORIZON, LATEST or AT_TIMESTAMP)',
      '{F}:10:5 mappings[0].batchSize: batchSize must be between 1 and 10000 (AWS limit), got 0',
    ],
  },
];

describe('validateConfigFile reports each bad config exactly', () => {
  const projects: Project[] = [];
  afterAll(() => {
    for (const project of projects) project.remove();
  });

  it.each(cases)('$name', async ({ config, files, env, expected }) => {
    const project = createProject({ 'functions/orders.mjs': ORDERS_HANDLER, ...files, 'sluice.yaml': config });
    projects.push(project);
    const result = await validateConfigFile(project.configFile, { env: env ?? {} });
    const lines = result.issues.map(formatConfigIssue);
    expect(lines).toEqual(expected.map((line) => line.replaceAll('{F}', project.configFile).replaceAll('{D}', project.dir)));
    expect(result.config).toBeUndefined();
  });

  it('reports an unreadable file at 1:1', async () => {
    const project = createProject();
    projects.push(project);
    const missing = `${project.dir}/nope.yaml`;
    const result = await validateConfigFile(missing, { env: {} });
    expect(result.issues.map(formatConfigIssue)).toEqual([`${missing}:1:1 <root>: cannot read the config file (ENOENT)`]);
  });
});
