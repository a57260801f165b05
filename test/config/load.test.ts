import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, formatConfigIssue } from '../../src/errors.js';
import { loadConfig, validateConfigFile } from '../../src/config/load.js';
import type { Config, Mapping } from '../../src/config/types.js';
import { createProject, ORDERS_HANDLER, yaml, type Project } from './project-fixture.js';

const projects: Project[] = [];
afterAll(() => {
  for (const project of projects) project.remove();
});

function project(config: string, files: Readonly<Record<string, string>> = {}): Project {
  const created = createProject({ 'functions/orders.mjs': ORDERS_HANDLER, ...files, 'sluice.yaml': config });
  projects.push(created);
  return created;
}

const mappingNamed = (config: Config, name: string): Mapping => {
  const found = config.mappings.find((mapping) => mapping.name === name);
  if (found === undefined) throw new Error(`no mapping ${name}`);
  return found;
};

describe('loadConfig: defaults', () => {
  const config = yaml(`
    functions:
      orders:
        handler: ./functions/orders.handler
    mappings:
      - name: queue
        function: orders
        source: { type: sqs, queue: orders }
      - name: clicks
        function: orders
        source: { type: kinesis, stream: clicks, replay: ./records/clicks.jsonl }
      - name: table
        function: orders
        source: { type: dynamodb, table: orders }
        startingPosition: LATEST
      - name: uploads
        function: orders
        source: { type: s3, bucket: uploads }
      - name: topic
        function: orders
        source: { type: sns, topic: orders }
      - name: tick
        function: orders
        source: { type: schedule, expression: rate(5 minutes) }
  `);

  it('applies AWS defaults per source type and sluice defaults at the top', async () => {
    const p = project(config, { 'records/clicks.jsonl': '' });
    const loaded = await loadConfig(p.configFile, { env: {} });
    expect(loaded).toMatchObject({
      file: p.configFile,
      baseDir: p.dir,
      region: 'us-east-1',
      account: '000000000000',
      stateDir: path.join(p.dir, '.sluice/state'),
      http: { host: '127.0.0.1', port: 9323 },
    });
    expect(loaded.endpoint).toBeUndefined();
    expect(loaded.functions['orders']).toEqual({
      name: 'orders',
      invoker: {
        type: 'local',
        handler: path.join(p.dir, 'functions/orders'),
        modulePath: path.join(p.dir, 'functions/orders.mjs'),
        exportName: 'handler',
        isolation: 'process',
      },
      timeout: 3,
      memorySize: 128,
      environment: {},
    });
    expect(mappingNamed(loaded, 'queue')).toEqual({
      name: 'queue',
      function: 'orders',
      source: { type: 'sqs', queue: 'orders', waitTimeSeconds: 20 },
      enabled: true,
      batchSize: 10,
      maximumBatchingWindowInSeconds: 0,
      parallelizationFactor: 1,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeInSeconds: -1,
      maximumEventAgeInSeconds: 21_600,
      destinationConfig: {},
      functionResponseTypes: [],
      tumblingWindowInSeconds: 0,
      location: { file: p.configFile, line: 5, column: 5 },
    });
    expect(mappingNamed(loaded, 'clicks')).toMatchObject({
      batchSize: 100,
      startingPosition: 'TRIM_HORIZON',
      maximumRetryAttempts: -1,
      source: { type: 'kinesis', stream: 'clicks', replay: path.join(p.dir, 'records/clicks.jsonl') },
    });
    expect(mappingNamed(loaded, 'table')).toMatchObject({ batchSize: 100, startingPosition: 'LATEST' });
    expect(mappingNamed(loaded, 'uploads')).toMatchObject({
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 21_600,
      source: { type: 's3', bucket: 'uploads', events: ['s3:ObjectCreated:*'] },
    });
    expect(mappingNamed(loaded, 'topic').source).toEqual({ type: 'sns', topic: 'orders', subscribe: false, rawMessageDelivery: false });
    expect(mappingNamed(loaded, 'tick').source).toEqual({ type: 'schedule', expression: 'rate(5 minutes)', timezone: 'UTC' });
  });

  it('returns a deeply frozen config', async () => {
    const p = project(config, { 'records/clicks.jsonl': '' });
    const loaded = await loadConfig(p.configFile, { env: {} });
    expect(Object.isFrozen(loaded)).toBe(true);
    expect(Object.isFrozen(loaded.mappings)).toBe(true);
    expect(Object.isFrozen(mappingNamed(loaded, 'uploads').source)).toBe(true);
    expect(Object.isFrozen(loaded.functions['orders']?.invoker)).toBe(true);
  });
});

describe('loadConfig: values as written', () => {
  it('keeps explicit values, serializes YAML filter patterns and normalizes timestamps', async () => {
    const p = project(
      yaml(`
        account: "123456789012"
        endpoint: http://localhost:4566
        stateDir: ../state
        http: { host: 0.0.0.0, port: 0, token: secret }
        limits: { maxFiltersPerMapping: 10 }
        functions:
          orders:
            handler: ./functions/orders.handler
            timeout: 30
            memorySize: 1024
            environment: { TABLE: orders }
        mappings:
          - name: clicks
            function: orders
            enabled: false
            source: { type: kinesis, stream: clicks }
            startingPosition: AT_TIMESTAMP
            startingPositionTimestamp: 1714521600
            batchSize: 500
            parallelizationFactor: 4
            bisectBatchOnFunctionError: true
            maximumRetryAttempts: 3
            maximumRecordAgeInSeconds: 3600
            tumblingWindowInSeconds: 60
            functionResponseTypes: [ReportBatchItemFailures]
            destinationConfig: { onFailure: { destination: "arn:aws:sqs:us-east-1:123456789012:dlq" } }
            filterCriteria:
              filters:
                - pattern: { data: { kind: [click] } }
                - pattern: '{"data":{"kind":["view"]}}'
                - { pattern: '{"data":{"n":[1]}}' }
                - { pattern: '{"data":{"n":[2]}}' }
                - { pattern: '{"data":{"n":[3]}}' }
                - { pattern: '{"data":{"n":[4]}}' }
          - name: queue
            function: orders
            source: { type: sqs, queue: orders, waitTimeSeconds: 5 }
            batchSize: 1000
            maximumBatchingWindowInSeconds: 2
            scalingConfig: { maximumConcurrency: 5 }
      `),
    );
    const loaded = await loadConfig(p.configFile, { env: {} });
    expect(loaded).toMatchObject({
      account: '123456789012',
      endpoint: 'http://localhost:4566',
      stateDir: path.resolve(p.dir, '../state'),
      http: { host: '0.0.0.0', port: 0, token: 'secret' },
    });
    expect(loaded.functions['orders']).toMatchObject({ timeout: 30, memorySize: 1024, environment: { TABLE: 'orders' } });
    const clicks = mappingNamed(loaded, 'clicks');
    expect(clicks).toMatchObject({
      enabled: false,
      startingPosition: 'AT_TIMESTAMP',
      startingPositionTimestamp: '2024-05-01T00:00:00.000Z',
      batchSize: 500,
      parallelizationFactor: 4,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 3,
      maximumRecordAgeInSeconds: 3600,
      tumblingWindowInSeconds: 60,
      functionResponseTypes: ['ReportBatchItemFailures'],
      destinationConfig: { onFailure: { destination: 'arn:aws:sqs:us-east-1:123456789012:dlq' } },
    });
    expect(clicks.filterCriteria?.filters.slice(0, 2)).toEqual([
      { pattern: '{"data":{"kind":["click"]}}' },
      { pattern: '{"data":{"kind":["view"]}}' },
    ]);
    expect(mappingNamed(loaded, 'queue')).toMatchObject({
      source: { waitTimeSeconds: 5 },
      batchSize: 1000,
      maximumBatchingWindowInSeconds: 2,
      scalingConfig: { maximumConcurrency: 5 },
    });
  });
});

describe('loadConfig: SQS provisioned mode', () => {
  it('takes provisionedPollerConfig with AWS’s default of two minimum pollers, maximumPollers only when given', async () => {
    const p = project(
      yaml(`
        functions:
          orders:
            handler: ./functions/orders.handler
        mappings:
          - name: a
            function: orders
            source: { type: sqs, queue: orders }
            provisionedPollerConfig: { maximumPollers: 30 }
          - name: b
            function: orders
            source: { type: sqs, queue: orders }
            provisionedPollerConfig: { minimumPollers: 4 }
      `),
    );
    const loaded = await loadConfig(p.configFile, { env: {} });
    expect(loaded.mappings.map((m) => m.provisionedPollerConfig)).toEqual([
      { minimumPollers: 2, maximumPollers: 30 },
      { minimumPollers: 4 },
    ]);
  });
});

describe('loadConfig: interpolation', () => {
  it('substitutes ${VAR}, applies defaults, types plain scalars again and keeps $${ literal', async () => {
    const p = project(
      yaml(`
        endpoint: \${ENDPOINT:-http://localhost:4566}
        functions:
          orders:
            handler: ./functions/orders.handler
            timeout: \${TIMEOUT:-30}
            environment: { TEMPLATE: "$\${NAME}", STAGE: "\${STAGE}", EMPTY: "\${UNSET-}" }
        mappings:
          - name: queue
            function: orders
            source: { type: sqs, queue: "orders-\${STAGE}" }
            batchSize: \${BATCH}
            maximumBatchingWindowInSeconds: 1
      `),
    );
    const loaded = await loadConfig(p.configFile, { env: { STAGE: 'dev', BATCH: '25' } });
    expect(loaded.endpoint).toBe('http://localhost:4566');
    expect(loaded.functions['orders']).toMatchObject({
      timeout: 30,
      environment: { TEMPLATE: '${NAME}', STAGE: 'dev', EMPTY: '' },
    });
    expect(mappingNamed(loaded, 'queue')).toMatchObject({ source: { queue: 'orders-dev' }, batchSize: 25 });
  });

  it('keeps a quoted interpolated number a string', async () => {
    const p = project(yaml(`
      functions:
        orders:
          handler: ./functions/orders.handler
          environment: { PORT: "\${PORT}" }
    `));
    const loaded = await loadConfig(p.configFile, { env: { PORT: '8080' } });
    expect(loaded.functions['orders']?.environment).toEqual({ PORT: '8080' });
  });
});

describe('loadConfig: region precedence', () => {
  it.each([
    { name: 'the file wins', region: 'eu-west-1', env: { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'ap-south-1' }, expected: 'eu-west-1' },
    { name: 'then AWS_REGION', env: { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'ap-south-1' }, expected: 'us-west-2' },
    { name: 'then AWS_DEFAULT_REGION', env: { AWS_DEFAULT_REGION: 'ap-south-1' }, expected: 'ap-south-1' },
    { name: 'empty variables are ignored', env: { AWS_REGION: '', AWS_DEFAULT_REGION: 'ap-south-1' }, expected: 'ap-south-1' },
    { name: 'then us-east-1', env: {}, expected: 'us-east-1' },
  ])('$name', async ({ region, env, expected }) => {
    const p = project(`${region === undefined ? '' : `region: ${region}\n`}functions: {}\n`);
    expect((await loadConfig(p.configFile, { env })).region).toBe(expected);
  });
});

describe('loadConfig: handlers and paths', () => {
  it('resolves a nested export path in a CommonJS module, as Lambda splits the Handler', async () => {
    const p = project('functions:\n  api:\n    handler: lib/api.routes.orders.handler\n', {
      'lib/api.cjs': 'exports.routes = { orders: { handler: async () => 1 } };\n',
    });
    const loaded = await loadConfig(p.configFile, { env: {} });
    expect(loaded.functions['api']?.invoker).toEqual({
      type: 'local',
      handler: path.join(p.dir, 'lib/api'),
      modulePath: path.join(p.dir, 'lib/api.cjs'),
      exportName: 'routes.orders.handler',
      isolation: 'process',
    });
  });

  it('isolation: process by default, thread when asked', async () => {
    const p = project('functions:\n  a:\n    handler: ./h.handler\n  b:\n    handler: ./h.handler\n    isolation: thread\n', {
      'h.mjs': 'export const handler = () => 1;\n',
    });
    const loaded = await loadConfig(p.configFile, { env: {} });
    expect(loaded.functions['a']?.invoker).toMatchObject({ type: 'local', isolation: 'process' });
    expect(loaded.functions['b']?.invoker).toMatchObject({ type: 'local', isolation: 'thread' });
  });

  it('prefers .js over .mjs over .cjs, as Lambda tries them', async () => {
    const p = project('functions:\n  f:\n    handler: ./h.handler\n', {
      'h.mjs': 'export const handler = () => 1;\n',
      'h.cjs': 'exports.handler = () => 1;\n',
      'h.js': 'exports.handler = () => 1;\n',
    });
    const loaded = await loadConfig(p.configFile, { env: {} });
    expect(loaded.functions['f']?.invoker).toMatchObject({ modulePath: path.join(p.dir, 'h.js') });
  });

  it('resolves every relative path against the config file, not the working directory', async () => {
    const p = project(
      yaml(`
        stateDir: state
        functions:
          cmd:
            invoker: { type: command, command: "node 'my handler.js' --flag", cwd: ./functions }
          mod:
            invoker: { type: module, module: ./invoker.mjs, options: { a: 1 } }
          web:
            invoker: { type: http, url: "http://127.0.0.1:8080/" }
          remote:
            invoker: { type: lambda, functionName: orders, qualifier: live }
        mappings:
          - name: q
            function: cmd
            source: { type: sqs, queue: q, replay: records/q.jsonl }
      `),
      { 'invoker.mjs': 'export function createInvoker() { return {}; }\n', 'records/q.jsonl': '' },
    );
    const relative = path.relative(process.cwd(), p.configFile);
    const loaded = await loadConfig(relative, { env: {} });
    expect(loaded.file).toBe(p.configFile);
    expect(loaded.stateDir).toBe(path.join(p.dir, 'state'));
    expect(loaded.functions['cmd']?.invoker).toEqual({
      type: 'command',
      command: ['node', 'my handler.js', '--flag'],
      persistent: false,
      cwd: path.join(p.dir, 'functions'),
    });
    expect(loaded.functions['mod']?.invoker).toEqual({ type: 'module', module: path.join(p.dir, 'invoker.mjs'), options: { a: 1 } });
    expect(loaded.functions['web']?.invoker).toEqual({ type: 'http', url: 'http://127.0.0.1:8080/', headers: {} });
    expect(loaded.functions['remote']?.invoker).toEqual({ type: 'lambda', functionName: 'orders', qualifier: 'live' });
    expect(mappingNamed(loaded, 'q').source).toMatchObject({ replay: path.join(p.dir, 'records/q.jsonl') });
  });

  it('skips importing handlers when checkHandlers is false', async () => {
    const p = project('functions:\n  f:\n    handler: ./functions/orders.missingExport\n');
    await expect(loadConfig(p.configFile, { env: {}, checkHandlers: false })).resolves.toMatchObject({ functions: { f: {} } });
    const checked = await validateConfigFile(p.configFile, { env: {} });
    expect(checked.issues).toHaveLength(1);
  });
});

describe('loadConfig: errors', () => {
  it('throws a ConfigError listing every problem, formatted one per line', async () => {
    const p = project(
      yaml(`
        functions:
          orders:
            handler: ./functions/orders.handler
            memorySize: 64
        mappings:
          - name: q
            function: orderz
            source: { type: sqs, queue: q }
            batchSize: 11
      `),
    );
    const error: unknown = await loadConfig(p.configFile, { env: {} }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    const lines = [
      `${p.configFile}:4:5 functions.orders.memorySize: memorySize must be between 128 and 10240 (AWS limit), got 64`,
      `${p.configFile}:7:5 mappings[0].function: function "orderz" is not defined in functions (did you mean "orders"?)`,
      `${p.configFile}:9:5 mappings[0].batchSize: batchSize above 10 requires maximumBatchingWindowInSeconds of at least 1 for standard queues (AWS rule), got batchSize 11 with a window of 0`,
    ];
    expect(issues.map(formatConfigIssue)).toEqual(lines);
    expect((error as ConfigError).message).toBe(lines.join('\n'));
    expect((error as ConfigError).code).toBe('ConfigInvalid');
  });

  it('accepts up to limits.maxFiltersPerMapping filters', async () => {
    const filters = '        - pattern: \'{"body":{"a":[1]}}\'\n'.repeat(6);
    const base = `functions:\n  orders:\n    handler: ./functions/orders.handler\nmappings:\n  - name: m\n    function: orders\n    source: { type: sqs, queue: q }\n    filterCriteria:\n      filters:\n${filters}`;
    const raised = project(`limits: { maxFiltersPerMapping: 6 }\n${base}`);
    expect((await validateConfigFile(raised.configFile, { env: {} })).issues).toEqual([]);
    const lowered = project(`limits: { maxFiltersPerMapping: 5 }\n${base}`);
    expect((await validateConfigFile(lowered.configFile, { env: {} })).issues.map((issue) => issue.path)).toEqual([
      'mappings[0].filterCriteria.filters',
    ]);
  });
});
