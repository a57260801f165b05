import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Emulator, EmulatorClientConfig } from './kinds.js';

/**
 * `{ endpoint, region, credentials, requestHandler }` for any AWS SDK v3 client, e.g.
 * `new SQSClient(clientConfig(emulator))`. The request handler is HTTP/1.1 for every client: the Kinesis
 * client's default HTTP/2 handler does not work with kinesis-mock (kinesis-local, and LocalStack's Kinesis),
 * and the other clients use HTTP/1.1 anyway. S3 also needs `forcePathStyle: true` (bucket names cannot be
 * subdomains of 127.0.0.1): `new S3Client({ ...clientConfig(emulator), forcePathStyle: true })`.
 */
export function clientConfig(emulator: Emulator): EmulatorClientConfig {
  return {
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { ...emulator.credentials },
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000 }),
  };
}
