import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { asRecordReader, clientConfig, readerClientConfig, resolveEndpoint } from '../aws/client-config.js';
import type { DynamoDbSource, KinesisSource, Mapping } from '../config/types.js';
import { createDynamoDbReader, resolveDynamoDbStream } from '../../pollers/streams/dynamodb-reader.js';
import { createKinesisReader, resolveKinesisStream } from '../../pollers/streams/kinesis-reader.js';
import type { MappingStats } from './mapping-stats.js';
import { runStreamMapping } from './run-stream-mapping.js';
import type { RuntimeContext } from './runtime-context.js';
import { waitFor } from './wait-for.js';

/** How often a caught-up shard is polled: AWS's once a second against AWS, faster against emulators. */
export function pollIntervalMs(service: 'kinesis' | 'dynamodbStreams', ctx: RuntimeContext, env: NodeJS.ProcessEnv): number {
  const custom = resolveEndpoint(service, ctx.config, env) !== undefined;
  if (!custom) return 1_000;
  return service === 'kinesis' ? 200 : 250;
}

/** Runs a Kinesis or DynamoDB Streams mapping against the live stream until `stop`. */
export async function runLiveStream(
  mapping: Mapping & { readonly source: KinesisSource | DynamoDbSource },
  ctx: RuntimeContext,
  stats: MappingStats,
  stop: AbortSignal,
  abort: AbortSignal,
  env: NodeJS.ProcessEnv = ctx.env ?? process.env,
): Promise<void> {
  const logger = ctx.logger.child({ mapping: mapping.name });
  const { config } = ctx;
  const source = mapping.source;
  if (source.type === 'kinesis') {
    const client = asRecordReader(new KinesisClient(readerClientConfig('kinesis', config, env)));
    try {
      const streamArn = await waitFor(`stream ${source.stream}`, () => resolveKinesisStream(client, source.stream, stop), logger, stop, ctx.onWait);
      const reader = createKinesisReader({
        client,
        streamArn,
        region: config.region,
        invokeIdentityArn: `arn:aws:iam::${config.account}:role/sluice`,
        pollIntervalMs: pollIntervalMs('kinesis', ctx, env),
      });
      await runStreamMapping(mapping, ctx, stats, reader, logger, { capRetries: false }, stop, abort);
    } finally {
      client.destroy();
    }
    return;
  }
  const ddb = new DynamoDBClient(clientConfig('dynamodb', config, env));
  const streams = asRecordReader(new DynamoDBStreamsClient(readerClientConfig('dynamodbStreams', config, env)));
  try {
    const streamArn = await waitFor(
      `stream of ${source.table ?? source.streamArn ?? ''}`,
      () => resolveDynamoDbStream(ddb, source, stop),
      logger,
      stop,
      ctx.onWait,
    );
    const reader = createDynamoDbReader({
      client: streams,
      streamArn,
      region: config.region,
      pollIntervalMs: pollIntervalMs('dynamodbStreams', ctx, env),
    });
    await runStreamMapping(mapping, ctx, stats, reader, logger, { capRetries: false }, stop, abort);
  } finally {
    ddb.destroy();
    streams.destroy();
  }
}
