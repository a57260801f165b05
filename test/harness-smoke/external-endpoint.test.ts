import { describe, expect, it } from 'vitest';
import { clientConfig } from '../harness/client-config.js';
import { externalTestEndpoint, isLoopbackHost } from '../harness/external-endpoint.js';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from '../harness/kinds.js';
import { sqsEmulators } from '../harness/sqs-emulators.js';
import { startEmulator } from '../harness/start-emulator.js';

describe('SLUICE_TEST_ENDPOINT', () => {
  it('is undefined when unset or blank', () => {
    expect(externalTestEndpoint({})).toBeUndefined();
    expect(externalTestEndpoint({ SLUICE_TEST_ENDPOINT: '  ' })).toBeUndefined();
  });

  it.each([
    ['http://localhost:4566', 'http://localhost:4566'],
    ['http://localhost:4566/', 'http://localhost:4566'],
    ['http://127.0.0.1:4566', 'http://127.0.0.1:4566'],
    ['http://127.1.2.3:4566', 'http://127.1.2.3:4566'],
    ['http://[::1]:4566', 'http://[::1]:4566'],
    ['http://[::ffff:127.0.0.1]:4566', 'http://[::ffff:7f00:1]:4566'],
    ['https://localstack.localhost:4566', 'https://localstack.localhost:4566'],
  ])('accepts the loopback endpoint %s', (raw, expected) => {
    expect(externalTestEndpoint({ SLUICE_TEST_ENDPOINT: raw })).toBe(expected);
  });

  it.each(['http://localstack:4566', 'http://10.0.0.5:4566', 'http://192.168.1.2:4566', 'https://sqs.us-east-1.amazonaws.com', 'http://[::ffff:10.0.0.1]:4566'])(
    'refuses the remote endpoint %s unless SLUICE_TEST_ALLOW_REMOTE=1',
    (raw) => {
      expect(() => externalTestEndpoint({ SLUICE_TEST_ENDPOINT: raw })).toThrow(/not on this machine.*SLUICE_TEST_ALLOW_REMOTE=1/);
      expect(externalTestEndpoint({ SLUICE_TEST_ENDPOINT: raw, SLUICE_TEST_ALLOW_REMOTE: '1' })).toBe(new URL(raw).origin);
    },
  );

  it.each(['localhost:4566', 'not a url', 'ftp://localhost:21'])('refuses the malformed endpoint %s', (raw) => {
    expect(() => externalTestEndpoint({ SLUICE_TEST_ENDPOINT: raw })).toThrow(/SLUICE_TEST_ENDPOINT/);
  });

  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['128.0.0.1', false],
    ['localhost.example.com', false],
  ])('isLoopbackHost(%s) is %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('sqsEmulators', () => {
  it('runs SQS tests on ElasticMQ and moto, or on LocalStack alone when an endpoint is given', () => {
    expect(sqsEmulators({})).toEqual(['elasticmq', 'moto']);
    expect(sqsEmulators({ SLUICE_TEST_ENDPOINT: 'http://localhost:4566' })).toEqual(['localstack']);
  });
});

describe('startEmulator', () => {
  it('refuses the localstack target without SLUICE_TEST_ENDPOINT (and uses it when set)', async () => {
    if (process.env['SLUICE_TEST_ENDPOINT'] === undefined) {
      await expect(startEmulator('localstack')).rejects.toThrow(/needs SLUICE_TEST_ENDPOINT/);
    } else {
      await expect(startEmulator('localstack')).resolves.toMatchObject({ kind: 'localstack' });
    }
  });
});

describe('clientConfig', () => {
  it('gives a fresh copy of the credentials and an HTTP/1.1 handler', () => {
    const emulator = {
      kind: 'moto',
      endpoint: 'http://127.0.0.1:1',
      region: EMULATOR_REGION,
      credentials: EMULATOR_CREDENTIALS,
      stop: async () => {},
      logs: () => '',
    } as const;
    const config = clientConfig(emulator);
    expect(config).toMatchObject({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    expect(config.credentials).not.toBe(EMULATOR_CREDENTIALS);
    expect(config.requestHandler.constructor.name).toBe('NodeHttpHandler');
  });
});
