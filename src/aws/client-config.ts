import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Config } from '../config/types.js';
import { cachedSendOptions, withCachedSend, type CachedSendClient } from './cached-send.js';

/** The AWS services sluice talks to, with the suffix of their `AWS_ENDPOINT_URL_<SERVICE>` variable. */
export const AwsService = {
  sqs: 'SQS',
  sns: 'SNS',
  s3: 'S3',
  kinesis: 'KINESIS',
  dynamodb: 'DYNAMODB',
  dynamodbStreams: 'DYNAMODB_STREAMS',
  lambda: 'LAMBDA',
} as const;
export type AwsService = keyof typeof AwsService;

export interface ClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly requestHandler?: NodeHttpHandler;
}

/**
 * Endpoint for a service, most specific first:
 * `AWS_ENDPOINT_URL_<SERVICE>` > the config file's `endpoint` > `AWS_ENDPOINT_URL` >
 * `LOCALSTACK_HOST` (as `http://<host>`) > the SDK's default (real AWS).
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
export function resolveEndpoint(service: AwsService, config: Pick<Config, 'endpoint'>, env: NodeJS.ProcessEnv): string | undefined {
  const specific = env[`AWS_ENDPOINT_URL_${AwsService[service]}`];
  if (specific) return specific;
  if (config.endpoint) return config.endpoint;
  if (env['AWS_ENDPOINT_URL']) return env['AWS_ENDPOINT_URL'];
  const localstack = env['LOCALSTACK_HOST'];
  if (localstack) return localstack.includes('://') ? localstack : `http://${localstack}`;
  return undefined;
}

/**
 * How long a connection may stay silent before its request is abandoned as a `TimeoutError`
 * (which the SDK, then sluice's backoff, retry on a new connection). Without it, a half-open
 * connection (a peer gone without a FIN or RST, a stalled proxy or port forward) hangs a
 * receive loop, a shard's reads or a send to an on-failure destination until sluice stops,
 * with nothing logged. Longer than SQS's longest long poll (`WaitTimeSeconds` 20), during
 * which the service rightly says nothing. Lambda Invoke calls, which wait as long as the
 * function runs, have their own limit (see `invokers/lambda.ts`).
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 */
export const SOCKET_TIMEOUT_MS = 30_000;

/**
 * Options for an AWS SDK v3 client of `service`. With a custom endpoint (LocalStack, an
 * emulator) and no credentials in the environment, the well-known `test` / `test` pair
 * is used, so a local run needs no AWS profile. A silent connection times out (see
 * `SOCKET_TIMEOUT_MS`). Kinesis uses HTTP/1.1: the default HTTP/2 handler fails against
 * kinesis-mock (LocalStack's Kinesis engine).
 */
export function clientConfig(service: AwsService, config: Pick<Config, 'endpoint' | 'region'>, env: NodeJS.ProcessEnv = process.env): ClientConfig {
  return { ...endpointAndCredentials(service, config, env), requestHandler: new NodeHttpHandler(httpOptions(service, SOCKET_TIMEOUT_MS)) };
}

const KINESIS_HTTP = { connectionTimeout: 5_000 };

function httpOptions(service: AwsService, socketTimeoutMs: number): { readonly socketTimeout: number; readonly connectionTimeout?: number } {
  return { ...(service === 'kinesis' ? KINESIS_HTTP : {}), socketTimeout: socketTimeoutMs };
}

/** Region, endpoint and (for a custom endpoint without credentials) `test` / `test`: see `clientConfig`. */
function endpointAndCredentials(service: AwsService, config: Pick<Config, 'endpoint' | 'region'>, env: NodeJS.ProcessEnv): ClientConfig {
  const endpoint = resolveEndpoint(service, config, env);
  const hasCredentials = Boolean(env['AWS_ACCESS_KEY_ID'] || env['AWS_PROFILE'] || env['AWS_WEB_IDENTITY_TOKEN_FILE']);
  return {
    region: config.region,
    ...(endpoint ? { endpoint } : {}),
    ...(endpoint && !hasCredentials ? { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } : {}),
  };
}

/**
 * Options for a client that reads records (SQS receives and deletes, GetRecords): those of
 * `clientConfig`, with the middleware stack built once per command (see `cached-send.ts`) and
 * a socket timeout (`SOCKET_TIMEOUT_MS`; tests shorten it). Pair with `asRecordReader`.
 */
export function readerClientConfig(
  service: AwsService,
  config: Pick<Config, 'endpoint' | 'region'>,
  env: NodeJS.ProcessEnv = process.env,
  { socketTimeoutMs = SOCKET_TIMEOUT_MS }: { readonly socketTimeoutMs?: number } = {},
): ClientConfig & ReturnType<typeof cachedSendOptions> {
  // Its own handler (HTTP/1.1 for Kinesis too, as `clientConfig`), not one made and dropped.
  return { ...endpointAndCredentials(service, config, env), ...cachedSendOptions(httpOptions(service, socketTimeoutMs)) };
}

/** A client made with `readerClientConfig`, ready for the hot path: no SDK logging, cached stacks with per-call signals. */
export function asRecordReader<C extends MiddlewareClient & CachedSendClient>(client: C): C {
  return withCachedSend(withoutSdkLogging(client));
}

/** The part of an SDK v3 client `withoutSdkLogging` touches. */
interface MiddlewareClient {
  readonly middlewareStack: { remove(toRemove: string): boolean };
}

/**
 * Takes the SDK's logger middleware off a client that reads records. That middleware builds
 * a redacted deep copy of every response for its logger before calling it, even when the
 * logger is the SDK's no-op default: a copy of every ReceiveMessage and GetRecords answer,
 * a tenth of the CPU of a DynamoDB Streams drain. sluice logs its calls itself.
 */
export function withoutSdkLogging<C extends MiddlewareClient>(client: C): C {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}
