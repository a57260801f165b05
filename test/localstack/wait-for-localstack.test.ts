import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config, Mapping } from '../../src/config/types.js';
import type { Invoker } from '../../src/invokers/invoker.js';
import { checkHealth, localStackEndpoint, servicesNeeded } from '../../src/localstack/wait-for-localstack.js';
import { startSluice } from '../../src/runtime/sluice.js';
import { makeMapping } from '../support/mapping.js';

describe('localStackEndpoint: only an endpoint that looks like LocalStack is health-checked', () => {
  it.each([
    ['LOCALSTACK_HOST with a port', {}, { LOCALSTACK_HOST: 'localstack:4566' }, 'http://localstack:4566'],
    ['LOCALSTACK_HOST with a scheme', {}, { LOCALSTACK_HOST: 'http://127.0.0.1:9999' }, 'http://127.0.0.1:9999'],
    ['config endpoint on 4566', { endpoint: 'http://localhost:4566' }, {}, 'http://localhost:4566'],
    ['AWS_ENDPOINT_URL on 4566', {}, { AWS_ENDPOINT_URL: 'http://localstack:4566/' }, 'http://localstack:4566'],
    ['another emulator', { endpoint: 'http://127.0.0.1:9324' }, {}, undefined],
    ['real AWS', {}, {}, undefined],
  ] as const)('%s', (_name, config, env, expected) => {
    expect(localStackEndpoint(config, env)).toBe(expected);
  });
});

describe('checkHealth', () => {
  const ready = { services: { sqs: 'running', kinesis: 'available', s3: 'initializing', sns: 'disabled', dynamodb: 'error' } };
  it.each([
    [['sqs', 'kinesis'], undefined],
    [['sqs', 's3'], { code: 'LocalStackNotReady', retryable: true, message: 'services not ready: s3 initializing' }],
    [['dynamodb', 'lambda'], { code: 'LocalStackNotReady', retryable: true, message: 'services not ready: dynamodb error, lambda not listed' }],
    [['sns'], { code: 'LocalStackServiceDisabled', retryable: false }],
  ] as const)('needs %j', (services, problem) => {
    if (problem === undefined) expect(() => checkHealth(ready, services)).not.toThrow();
    else expect(() => checkHealth(ready, services)).toThrow(expect.objectContaining(problem));
  });

  it('property: ready exactly when every needed service is available or running; disabled fails for good', () => {
    const states = fc.constantFrom('available', 'running', 'initializing', 'starting', 'error', 'disabled', undefined);
    const names = ['sqs', 'sns', 's3', 'kinesis', 'dynamodb', 'lambda'] as const;
    fc.assert(
      fc.property(fc.tuple(...names.map(() => states)), fc.subarray([...names]), (values, needed) => {
        const services: Record<string, string> = {};
        names.forEach((name, i) => {
          const state = values[i];
          if (state !== undefined) services[name] = state;
        });
        const stateOf = (name: string): string => services[name] ?? 'not listed';
        const disabled = needed.some((n) => stateOf(n) === 'disabled');
        const pending = needed.filter((n) => !['available', 'running'].includes(stateOf(n)));
        let thrown: unknown;
        try {
          checkHealth({ services }, needed);
        } catch (err) {
          thrown = err;
        }
        if (disabled) expect(thrown).toMatchObject({ code: 'LocalStackServiceDisabled', retryable: false });
        else if (pending.length > 0) {
          expect(thrown).toMatchObject({ code: 'LocalStackNotReady', retryable: true, message: `services not ready: ${pending.map((n) => `${n} ${stateOf(n)}`).join(', ')}` });
        } else expect(thrown).toBeUndefined();
      }),
    );
  });

  it('a body that is not a health document means nothing is ready', () => {
    expect(() => checkHealth('<html>', ['sqs'])).toThrow(/sqs not listed/);
  });
});

describe('servicesNeeded', () => {
  const mappings: Mapping[] = [
    makeMapping({ name: 'q', source: { type: 'sqs', queue: 'orders', waitTimeSeconds: 1 } }),
    makeMapping({ name: 't', source: { type: 'dynamodb', table: 'orders' } }),
    makeMapping({ name: 'k', source: { type: 'kinesis', stream: 'clicks' } }),
    makeMapping({ name: 'r', source: { type: 'kinesis', stream: 'replayed', replay: '/x.jsonl' } }),
    makeMapping({ name: 's3', source: { type: 's3', bucket: 'b', events: ['s3:ObjectCreated:*'], via: { topic: 'n' } } }),
  ];
  const config = { endpoint: 'http://localhost:4566', functions: {} };

  it('lists the services of live sources on LocalStack, replayed ones left out', () => {
    expect(servicesNeeded(mappings, config, {}, 'http://localhost:4566')).toEqual(['dynamodb', 'dynamodbstreams', 'kinesis', 'sns', 'sqs']);
  });

  it('leaves out services sent elsewhere by AWS_ENDPOINT_URL_<SERVICE>', () => {
    expect(servicesNeeded(mappings, config, { AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4567' }, 'http://localhost:4566')).toEqual([
      'dynamodb',
      'dynamodbstreams',
      'sns',
      'sqs',
    ]);
  });
});

/** A loopback stand-in for LocalStack's health endpoint: `initializing` for the first `notReady` requests. */
async function startHealthServer(notReady: number, state = 'initializing'): Promise<{ server: Server; url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/_localstack/health') {
      res.writeHead(404).end();
      return;
    }
    requests += 1;
    const sqs = requests <= notReady ? state : 'running';
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ services: { sqs, s3: 'available' }, edition: 'community' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, requests: () => requests };
}

function captureLogger(): { logger: pino.Logger; messages: () => string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'info', base: null }, stream);
  return { logger, messages: () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg) };
}

const idle: Invoker = { invoke: async () => ({ status: 'success', requestId: 'r', durationMs: 1, payload: null }), close: async () => undefined };

/** Every client points at the loopback stand-in: nothing may reach real AWS. */
function config(mappings: Config['mappings'], endpoint: string): Config {
  return {
    endpoint,
    file: '/tmp/sluice.yaml',
    baseDir: '/tmp',
    region: 'us-east-1',
    account: '000000000000',
    stateDir: '/tmp/sluice-localstack-test-state',
    http: { host: '127.0.0.1', port: 0 },
    functions: {},
    mappings,
  };
}

describe('sluice run waits for LocalStack', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });
  const queueMapping = makeMapping({ name: 'orders-queue', source: { type: 'sqs', queue: 'orders', waitTimeSeconds: 1 } });

  it('logs once while LocalStack initializes (however many polls) and once when it is ready, before any mapping starts', async () => {
    const health = await startHealthServer(3);
    servers.push(health.server);
    const { logger, messages } = captureLogger();
    const sluice = await startSluice({
      config: config([queueMapping], health.url),
      logger,
      mode: 'run',
      env: { LOCALSTACK_HOST: health.url },
      invokers: new Map([['fn', idle]]),
    });
    const seen = messages();
    await sluice.shutdown(0);
    expect(health.requests()).toBe(4);
    const localstack = seen.filter((m) => m.includes('LocalStack'));
    expect(localstack).toEqual([`waiting for LocalStack at ${health.url}`, `LocalStack at ${health.url} is ready`]);
    expect(seen.indexOf(`LocalStack at ${health.url} is ready`)).toBeLessThan(seen.indexOf('mapping started'));
  });

  it('logs again when what it waits on changes (starting, then initializing)', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests += 1;
      const sqs = requests === 1 ? 'starting' : requests <= 3 ? 'initializing' : 'running';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ services: { sqs } }));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { logger, messages } = captureLogger();
    const sluice = await startSluice({ config: config([queueMapping], url), logger, mode: 'run', env: { LOCALSTACK_HOST: url }, invokers: new Map([['fn', idle]]) });
    const seen = messages().filter((m) => m.includes('LocalStack'));
    await sluice.shutdown(0);
    expect(seen).toEqual([`waiting for LocalStack at ${url}`, `waiting for LocalStack at ${url}`, `LocalStack at ${url} is ready`]);
  });

  it('fails the start at once when LocalStack has a needed service disabled', async () => {
    const health = await startHealthServer(5, 'disabled');
    servers.push(health.server);
    const { logger } = captureLogger();
    await expect(
      startSluice({ config: config([queueMapping], health.url), logger, mode: 'run', env: { LOCALSTACK_HOST: health.url }, invokers: new Map([['fn', idle]]) }),
    ).rejects.toMatchObject({ code: 'LocalStackServiceDisabled' });
    expect(health.requests()).toBe(1);
  });

  it('does not ask for health when the endpoint is not LocalStack', async () => {
    const health = await startHealthServer(0);
    servers.push(health.server);
    const { logger, messages } = captureLogger();
    const sluice = await startSluice({
      config: config([queueMapping], health.url),
      logger,
      mode: 'run',
      env: {},
      invokers: new Map([['fn', idle]]),
    });
    await sluice.shutdown(0);
    expect(health.requests()).toBe(0);
    expect(messages().some((m) => m.includes('LocalStack'))).toBe(false);
  });
});
