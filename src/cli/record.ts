import { createWriteStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SQSClient } from '@aws-sdk/client-sqs';
import { asRecordReader, clientConfig, readerClientConfig } from '../aws/client-config.js';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config/index.js';
import { resolveRegion } from '../config/resolve.js';
import { SluiceError } from '../errors.js';
import { recordQueue } from '../record/record-queue.js';
import { recordStream } from '../record/record-streams.js';
import { toReplayLine } from '../record/replay-line.js';
import { createDynamoDbReader, resolveDynamoDbStream } from '../../pollers/streams/dynamodb-reader.js';
import { createKinesisReader, resolveKinesisStream } from '../../pollers/streams/kinesis-reader.js';
import type { ShardPosition } from '../../pollers/streams/shard-reader.js';
import { DEFAULT_CONFIG_FILE, ExitCode, stringOption, type Command } from './command.js';

type SourceRef = { readonly type: 'kinesis' | 'dynamodb' | 'sqs'; readonly name: string };

/** `kinesis:NAME`, `dynamodb:TABLE`, `sqs:QUEUE`, a stream / table stream / queue ARN, or a queue URL. */
export function parseSourceRef(text: string): SourceRef {
  const prefixed = /^(kinesis|dynamodb|sqs):(.+)$/.exec(text);
  if (prefixed) return { type: prefixed[1] as SourceRef['type'], name: prefixed[2] as string };
  if (/^https?:\/\//.test(text)) return { type: 'sqs', name: text };
  const service = text.startsWith('arn:') ? text.split(':')[2] : undefined;
  if (service === 'kinesis' || service === 'sqs') return { type: service, name: text };
  if (service === 'dynamodb' && text.includes('/stream/')) return { type: 'dynamodb', name: text };
  throw new SluiceError('InvalidArgument', `--source must be kinesis:NAME, dynamodb:TABLE, sqs:QUEUE, an ARN or a queue URL, got "${text}"`);
}

function startPosition(from: string | undefined): ShardPosition {
  if (from === undefined || from === 'TRIM_HORIZON') return { kind: 'TRIM_HORIZON' };
  if (from === 'LATEST') return { kind: 'LATEST' };
  const timestamp = new Date(/^\d+(\.\d+)?$/.test(from) ? Number(from) * 1000 : from);
  if (Number.isNaN(timestamp.getTime())) {
    throw new SluiceError('InvalidArgument', `--from must be TRIM_HORIZON, LATEST or a time (ISO 8601 or epoch seconds), got "${from}"`);
  }
  return { kind: 'AT_TIMESTAMP', timestamp };
}

function positiveNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new SluiceError('InvalidArgument', `${flag} must be a positive number, got "${text}"`);
  return n;
}

export const recordCommand: Command = {
  name: 'record',
  summary: 'write a replay file from a live stream, table stream or queue',
  usage:
    'sluice record --source <kinesis:NAME|dynamodb:TABLE|sqs:QUEUE|ARN|URL> --out FILE.jsonl [--from TRIM_HORIZON|LATEST|<time>] [--limit N | --duration S] [--consume] [--config FILE]',
  options: {
    source: { type: 'string', short: 's' },
    out: { type: 'string', short: 'o' },
    from: { type: 'string' },
    limit: { type: 'string' },
    duration: { type: 'string' },
    consume: { type: 'boolean' },
    config: { type: 'string', short: 'c' },
  },
  async run(args, io) {
    const sourceText = stringOption(args, 'source');
    const out = stringOption(args, 'out');
    if (!sourceText || !out) {
      io.stderr.write(`--source and --out are required\nusage: ${this.usage}\n`);
      return ExitCode.usage;
    }
    let source: SourceRef;
    let limits: { limit?: number; durationMs?: number };
    let start: ShardPosition;
    try {
      source = parseSourceRef(sourceText);
      start = startPosition(stringOption(args, 'from'));
      const limit = positiveNumber(stringOption(args, 'limit'), '--limit');
      const duration = positiveNumber(stringOption(args, 'duration'), '--duration');
      limits = { ...(limit === undefined ? {} : { limit }), ...(duration === undefined ? {} : { durationMs: duration * 1000 }) };
    } catch (err) {
      io.stderr.write(`${(err as Error).message}\n`);
      return ExitCode.usage;
    }
    const configFile = resolve(io.cwd, stringOption(args, 'config') ?? DEFAULT_CONFIG_FILE);
    const config =
      stringOption(args, 'config') !== undefined || existsSync(configFile)
        ? await loadConfig(configFile, { env: io.env, checkHandlers: false })
        : { region: resolveRegion(undefined, io.env), account: '000000000000' };
    const endpointConfig = { region: config.region, ...('endpoint' in config && config.endpoint ? { endpoint: config.endpoint } : {}) };

    const file = createWriteStream(resolve(io.cwd, out));
    const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
    let written = 0;
    const write = (line: Record<string, unknown>): void => {
      file.write(`${JSON.stringify(line)}\n`);
      written += 1;
      if (tty && written % 100 === 0) io.stderr.write(`\rrecorded ${written} records`);
    };
    const controller = new AbortController();
    const onSignal = (): void => controller.abort(new Error('interrupted'));
    process.once('SIGINT', onSignal);
    try {
      if (source.type === 'sqs') {
        const client = asRecordReader(new SQSClient(readerClientConfig('sqs', endpointConfig, io.env)));
        await recordQueue(
          client,
          source.name,
          { ...limits, consume: args.values['consume'] === true, region: config.region, account: config.account },
          write,
          systemClock,
          controller.signal,
        );
        client.destroy();
      } else if (source.type === 'kinesis') {
        const client = asRecordReader(new KinesisClient(readerClientConfig('kinesis', endpointConfig, io.env)));
        const streamArn = await resolveKinesisStream(client, source.name, controller.signal);
        const reader = createKinesisReader({ client, streamArn, region: config.region, invokeIdentityArn: '', pollIntervalMs: 200 });
        await recordStream(reader, start, limits, (r) => write(toReplayLine(r)), systemClock, controller.signal);
        client.destroy();
      } else {
        const ddb = new DynamoDBClient(clientConfig('dynamodb', endpointConfig, io.env));
        const streams = asRecordReader(new DynamoDBStreamsClient(readerClientConfig('dynamodbStreams', endpointConfig, io.env)));
        const streamArn = await resolveDynamoDbStream(ddb, source.name.startsWith('arn:') ? { streamArn: source.name } : { table: source.name }, controller.signal);
        const reader = createDynamoDbReader({ client: streams, streamArn, region: config.region, pollIntervalMs: 250 });
        await recordStream(reader, start, limits, (r) => write(toReplayLine(r)), systemClock, controller.signal);
        ddb.destroy();
        streams.destroy();
      }
    } catch (err) {
      if (!controller.signal.aborted) {
        io.stderr.write(`${tty ? '\n' : ''}record failed: ${(err as Error).message}\n`);
        return ExitCode.failed;
      }
    } finally {
      process.off('SIGINT', onSignal);
      await new Promise<void>((r) => file.end(r));
    }
    io.stderr.write(`${tty ? '\r' : ''}recorded ${written} records to ${out}\n`);
    return ExitCode.ok;
  },
};
