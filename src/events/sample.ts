import { closest, distance } from 'fastest-levenshtein';
import { SluiceError } from '../errors.js';
import { createSampleIds } from './sample-ids.js';
import {
  DEFAULT_TEXT,
  sampleDynamodb,
  sampleKinesis,
  sampleS3,
  sampleSchedule,
  sampleSns,
  sampleSqs,
  type SampleInput,
} from './sample-sources.js';

/**
 * Sample Lambda events for `sluice events <source> [flags]`: a full event
 * (`{ "Records": [record] }`, or the Scheduled Event) built through the same
 * normalizers the pipeline uses, with deterministic defaults (ids derived from
 * `--seed`, region `us-east-1`, account `000000000000`, a fixed time).
 */

export const SAMPLE_SOURCES = ['sqs', 'sqs-fifo', 'kinesis', 'dynamodb', 's3', 'sns', 'schedule'] as const;
export type SampleSource = (typeof SAMPLE_SOURCES)[number];

interface FlagSpec {
  readonly flag: string;
  readonly value: string;
  readonly description: string;
  readonly default: string;
}

const DEFAULT_TIME = '2024-01-01T00:00:00.123Z';

const COMMON_FLAGS: readonly FlagSpec[] = [
  { flag: 'region', value: 'REGION', description: 'AWS region', default: 'us-east-1' },
  { flag: 'account', value: 'ID', description: 'AWS account id', default: '000000000000' },
  { flag: 'time', value: 'ISO', description: 'when the event happened', default: DEFAULT_TIME },
  { flag: 'seed', value: 'TEXT', description: 'seed for the generated ids', default: 'sluice' },
];

const SQS_FLAGS: readonly FlagSpec[] = [
  { flag: 'body', value: 'TEXT', description: 'message body', default: DEFAULT_TEXT },
  {
    flag: 'attribute',
    value: 'NAME[:TYPE]=VALUE,...',
    description: 'message attributes (TYPE String, Number or Binary with a base64 VALUE)',
    default: 'none',
  },
];

const SOURCE_FLAGS: Readonly<Record<SampleSource, readonly FlagSpec[]>> = {
  sqs: [
    ...SQS_FLAGS,
    { flag: 'queue', value: 'NAME|URL|ARN', description: 'queue', default: 'sluice-queue' },
    { flag: 'group-id', value: 'ID', description: 'MessageGroupId (fair queues)', default: 'none' },
  ],
  'sqs-fifo': [
    ...SQS_FLAGS,
    { flag: 'queue', value: 'NAME|URL|ARN', description: 'FIFO queue', default: 'sluice-queue.fifo' },
    { flag: 'group-id', value: 'ID', description: 'MessageGroupId', default: 'group-1' },
    { flag: 'deduplication-id', value: 'ID', description: 'MessageDeduplicationId', default: 'SHA-256 of the body' },
  ],
  kinesis: [
    { flag: 'data', value: 'TEXT', description: 'record data (base64-encoded for you)', default: DEFAULT_TEXT },
    { flag: 'partition-key', value: 'KEY', description: 'partition key', default: 'partition-1' },
    { flag: 'stream', value: 'NAME|ARN', description: 'stream', default: 'sluice-stream' },
    { flag: 'shard-id', value: 'ID', description: 'shard id', default: 'shardId-000000000000' },
  ],
  dynamodb: [
    { flag: 'event-name', value: 'INSERT|MODIFY|REMOVE', description: 'what happened to the item', default: 'INSERT' },
    { flag: 'keys', value: 'JSON', description: 'key attributes, plain or wire JSON', default: '{"id":"1"}' },
    { flag: 'new-image', value: 'JSON', description: 'new item (keys added)', default: `{"message":"${DEFAULT_TEXT}"}` },
    { flag: 'old-image', value: 'JSON', description: 'old item (keys added)', default: '{"message":"Hello"}' },
    { flag: 'table', value: 'NAME', description: 'table', default: 'sluice-table' },
    {
      flag: 'view-type',
      value: 'KEYS_ONLY|NEW_IMAGE|OLD_IMAGE|NEW_AND_OLD_IMAGES',
      description: 'stream view type',
      default: 'NEW_AND_OLD_IMAGES',
    },
  ],
  s3: [
    { flag: 'bucket', value: 'NAME', description: 'bucket', default: 'sluice-bucket' },
    { flag: 'key', value: 'KEY', description: 'raw object key (URL-encoded for you, as S3 does)', default: 'uploads/hello world.txt' },
    { flag: 'event-name', value: 'NAME', description: 'event name, e.g. ObjectRemoved:Delete', default: 'ObjectCreated:Put' },
    { flag: 'size', value: 'BYTES', description: 'object size (not for ObjectRemoved events)', default: '1024' },
  ],
  sns: [
    { flag: 'message', value: 'TEXT', description: 'message', default: DEFAULT_TEXT },
    { flag: 'subject', value: 'TEXT', description: 'subject', default: 'none (null)' },
    { flag: 'topic', value: 'NAME|ARN', description: 'topic', default: 'sluice-topic' },
  ],
  schedule: [{ flag: 'rule', value: 'NAME|ARN', description: 'schedule rule', default: 'sluice-schedule' }],
};

const BUILDERS: Readonly<Record<SampleSource, (input: SampleInput) => unknown>> = {
  sqs: (input) => ({ Records: [sampleSqs(input, false)] }),
  'sqs-fifo': (input) => ({ Records: [sampleSqs(input, true)] }),
  kinesis: (input) => ({ Records: [sampleKinesis(input)] }),
  dynamodb: (input) => ({ Records: [sampleDynamodb(input)] }),
  s3: (input) => ({ Records: [sampleS3(input)] }),
  sns: (input) => ({ Records: [sampleSns(input)] }),
  schedule: (input) => sampleSchedule(input),
};

/** True when `value` names a sample source. */
export function isSampleSource(value: string): value is SampleSource {
  return (SAMPLE_SOURCES as readonly string[]).includes(value);
}

/**
 * A full sample Lambda event for `source`. Flag names are kebab-case without
 * the dashes (`group-id`; `groupId` is accepted too); undefined values are
 * ignored.
 *
 * @example
 * ```json
 * { "source": "sqs", "flags": { "body": "{\"orderId\":1}", "queue": "orders" },
 *   "event": { "Records": [{ "messageId": "…", "body": "{\"orderId\":1}", "eventSource": "aws:sqs",
 *              "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:orders", "…": "…" }] } }
 * ```
 * @throws SluiceError `InvalidArgument` for an unknown source or flag (with a
 *   suggestion) or an invalid flag value.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-services.html
 */
export function sampleEvent(source: SampleSource, flags: Readonly<Record<string, string | undefined>>): unknown {
  if (!isSampleSource(source)) {
    throw new SluiceError('InvalidArgument', `unknown event source ${JSON.stringify(source)}${suggest(source, SAMPLE_SOURCES)}; sources: ${SAMPLE_SOURCES.join(', ')}`);
  }
  const specs = [...SOURCE_FLAGS[source], ...COMMON_FLAGS];
  const known = specs.map((spec) => spec.flag);
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    const flag = name.replace(/^-+/, '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    if (!known.includes(flag)) {
      throw new SluiceError('InvalidArgument', `unknown flag --${flag} for "${source}"${suggest(flag, known, '--')}; flags: ${known.map((k) => `--${k}`).join(' ')}`);
    }
    values.set(flag, value);
  }
  const timeText = values.get('time') ?? DEFAULT_TIME;
  const time = new Date(timeText);
  if (Number.isNaN(time.getTime())) throw new SluiceError('InvalidArgument', `--time must be an ISO 8601 time, got ${JSON.stringify(timeText)}`);
  const account = values.get('account') ?? '000000000000';
  if (!/^\d{12}$/.test(account)) throw new SluiceError('InvalidArgument', `--account must be 12 digits, got ${JSON.stringify(account)}`);
  const input: SampleInput = {
    get: (flag) => values.get(flag),
    region: values.get('region') ?? 'us-east-1',
    account,
    time,
    ids: createSampleIds(values.get('seed') ?? 'sluice'),
  };
  return BUILDERS[source](input);
}

/**
 * The help text for `sluice events <source>`: its flags with their defaults.
 *
 * @example
 * ```json
 * "Usage: sluice events kinesis [flags]\n\nFlags:\n  --data TEXT  record data (base64-encoded for you) (default: Hello from sluice!)\n..."
 * ```
 */
export function sampleEventHelp(source: SampleSource): string {
  const specs = SOURCE_FLAGS[source];
  const lines = (list: readonly FlagSpec[]): string[] => {
    const width = Math.max(...list.map((spec) => `--${spec.flag} ${spec.value}`.length));
    return list.map((spec) => `  ${`--${spec.flag} ${spec.value}`.padEnd(width)}  ${spec.description} (default: ${spec.default})`);
  };
  return [
    `Usage: sluice events ${source} [flags]`,
    '',
    `Prints a sample ${source} Lambda event, exactly as Lambda delivers it.`,
    '',
    'Flags:',
    ...lines(specs),
    '',
    'Common flags:',
    ...lines(COMMON_FLAGS),
    '',
  ].join('\n');
}

function suggest(value: string, candidates: readonly string[], prefix = ''): string {
  const best = closest(value, [...candidates]);
  return distance(value, best) <= Math.max(2, Math.floor(value.length / 3)) ? ` (did you mean ${prefix}${best}?)` : '';
}
