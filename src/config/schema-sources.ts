/**
 * The `source:` of a mapping, one strict object per source type. Defaults that
 * never depend on other keys are applied here; the rest in `resolve.ts`.
 */
import { z } from 'zod';
import { httpUrl, intBetween, nonEmptyString, timeZone } from './schema-helpers.js';

const replay = () =>
  nonEmptyString()
    .optional()
    .describe(
      'A JSON Lines file of recorded records, relative to the config file, read instead of the live source. ' +
        'A missing file is an error.',
    );

/** @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html */
export const sqsSourceSchema = z
  .strictObject({
    type: z.literal('sqs'),
    queue: nonEmptyString().describe('Queue name, URL or ARN. A name ending in ".fifo" is a FIFO queue.'),
    waitTimeSeconds: intBetween(0, 20, 'SQS limit')
      .default(20)
      .describe('ReceiveMessage long-poll wait, 0-20 s (SQS limit); default 20, as Lambda polls.'),
    maxReceiveCount: intBetween(1, 1000, 'SQS limit')
      .optional()
      .describe("Replay only: the simulated queue's redrive policy maxReceiveCount."),
    replay: replay(),
  })
  .describe('An SQS queue, polled as Lambda does.');

/** @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html */
export const kinesisSourceSchema = z
  .strictObject({
    type: z.literal('kinesis'),
    stream: nonEmptyString().describe('Stream name or ARN.'),
    replay: replay(),
  })
  .describe('A Kinesis data stream, read shard by shard.');

const DYNAMODB_STREAM_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}\/stream\/.+$/;

/** @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html */
export const dynamoDbSourceSchema = z
  .strictObject({
    type: z.literal('dynamodb'),
    table: nonEmptyString().optional().describe("A table name; its latest stream is read. Exactly one of table / streamArn."),
    streamArn: z
      .string()
      .regex(DYNAMODB_STREAM_ARN, {
        error: (issue) =>
          `must be a DynamoDB stream ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL), got ${JSON.stringify(issue.input)}`,
      })
      .optional()
      .describe('The stream ARN. Exactly one of table / streamArn.'),
    replay: replay(),
  })
  .describe('A DynamoDB stream.');

const S3_EVENT = /^s3:[A-Za-z]+(?::(?:[A-Za-z]+|\*))?$/;

/** @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html */
export const s3SourceSchema = z
  .strictObject({
    type: z.literal('s3'),
    bucket: nonEmptyString().describe('Bucket name.'),
    events: z
      .array(
        z.string().regex(S3_EVENT, {
          error: (issue) => `must be an S3 event type such as "s3:ObjectCreated:*", got ${JSON.stringify(issue.input)}`,
        }),
      )
      .min(1, { error: 'must list at least one event type' })
      .default(['s3:ObjectCreated:*'])
      .describe('Event types, as S3 notification configurations have them; default ["s3:ObjectCreated:*"].'),
    filter: z
      .strictObject({ prefix: z.string().optional(), suffix: z.string().optional() })
      .optional()
      .describe('Object key filter rules (prefix / suffix).'),
    via: z
      .union([z.strictObject({ queue: nonEmptyString() }), z.strictObject({ topic: nonEmptyString(), endpointUrl: httpUrl().optional() })], {
        error: 'must be either { queue: NAME } or { topic: NAME }',
      })
      .optional()
      .describe('Notifications delivered through an SQS queue or SNS topic, as AWS and LocalStack deliver them.'),
    queueSize: z.number().int().min(1).max(100_000).optional().describe('Asynchronous intake queue bound; when full, deliveries get 429 / 503 and are retried by the sender; default 1,000.'),
    replay: replay(),
  })
  .describe('S3 event notifications (asynchronous invocation).');

/** @see https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html */
export const snsSourceSchema = z
  .strictObject({
    type: z.literal('sns'),
    topic: nonEmptyString().describe('Topic name or ARN.'),
    subscribe: z.boolean().default(false).describe("Create the HTTP subscription at start; default false."),
    endpointUrl: httpUrl().optional().describe("The URL at which SNS reaches sluice's endpoint (required with subscribe)."),
    verifySignatures: z.boolean().optional().describe('Verify message signatures; default true for AWS, false for emulators.'),
    rawMessageDelivery: z.boolean().default(false).describe('SNS raw message delivery; default false.'),
    queueSize: z.number().int().min(1).max(100_000).optional().describe('Asynchronous intake queue bound; when full, deliveries get 429 / 503 and are retried by the sender; default 1,000.'),
    replay: replay(),
  })
  .describe('An SNS topic (asynchronous invocation).');

/** @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html */
export const scheduleSourceSchema = z
  .strictObject({
    type: z.literal('schedule'),
    expression: nonEmptyString().describe('rate(...), cron(...) or at(...), as EventBridge Scheduler has them.'),
    timezone: timeZone().default('UTC').describe('IANA time zone for cron and at expressions; default UTC.'),
    queueSize: z.number().int().min(1).max(100_000).optional().describe('Asynchronous intake queue bound; when full, deliveries get 429 / 503 and are retried by the sender; default 1,000.'),
  })
  .describe('A schedule (asynchronous invocation).');

/** Any source, told apart by `type`. */
export const sourceSchema = z.discriminatedUnion('type', [
  sqsSourceSchema,
  kinesisSourceSchema,
  dynamoDbSourceSchema,
  s3SourceSchema,
  snsSourceSchema,
  scheduleSourceSchema,
]);

export type RawSource = z.output<typeof sourceSchema>;
