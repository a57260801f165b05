import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { clientConfig, resolveEndpoint, withoutSdkLogging } from '../../src/aws/client-config.js';

const hasLogger = (client: { middlewareStack: { identify(): string[] } }): boolean =>
  client.middlewareStack.identify().some((name) => name.startsWith('loggerMiddleware'));

describe('withoutSdkLogging', () => {
  it.each([
    ['SQS', () => new SQSClient({ region: 'us-east-1' })],
    ['Kinesis', () => new KinesisClient({ region: 'us-east-1' })],
    ['DynamoDB Streams', () => new DynamoDBStreamsClient({ region: 'us-east-1' })],
  ])('takes the logger middleware (a redacted copy of every response) off the %s client', (_name, make) => {
    const client = make();
    expect(hasLogger(client), 'the SDK adds it by default').toBe(true);
    expect(withoutSdkLogging(client)).toBe(client);
    expect(hasLogger(client)).toBe(false);
    client.destroy();
  });
});

describe('resolveEndpoint and clientConfig', () => {
  it('the most specific endpoint wins, and a custom endpoint without credentials gets test/test', () => {
    const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324' };
    expect(resolveEndpoint('sqs', { endpoint: 'http://127.0.0.1:1' }, env)).toBe('http://127.0.0.1:9324');
    expect(resolveEndpoint('kinesis', { endpoint: 'http://127.0.0.1:1' }, env)).toBe('http://127.0.0.1:1');
    expect(clientConfig('kinesis', { region: 'eu-west-1' }, env)).toMatchObject({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
});
