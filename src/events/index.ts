/**
 * Normalize (pipeline stage 4): pure functions turning each source's SDK
 * record (or pushed body) into the exact record JSON Lambda delivers, the
 * pipeline records built from them, and `sluice events` samples.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-services.html
 */
export { dynamodbStreamArn, eventsRuleArn, isArn, kinesisStreamArn, partitionOf, snsTopicArn } from './arn.js';
export { dynamodbKeysString, dynamodbRecord, type DynamoDbRecordContext } from './dynamodb.js';
export {
  fromWireAttributeValue,
  fromWireImage,
  isWireImage,
  marshallPlain,
  toWireAttributeValue,
  toWireImage,
  type WireImage,
} from './dynamodb-attributes.js';
export { dynamodbImageSize } from './dynamodb-size.js';
export { epochSeconds, kinesisRecord, type KinesisRecordContext } from './kinesis.js';
export {
  dynamodbPipelineRecord,
  jsonBytes,
  kinesisPipelineRecord,
  s3PipelineRecord,
  snsPipelineRecord,
  sqsPipelineRecord,
  type DynamoDbPipelineContext,
} from './pipeline.js';
export {
  decodeS3Key,
  encodeS3Key,
  parseS3Notification,
  s3Record,
  type ParseS3NotificationOptions,
  type S3NotificationObject,
  type S3NotificationRecord,
  type S3RecordInput,
  type S3TestEvent,
} from './s3.js';
export { isSampleSource, SAMPLE_SOURCES, sampleEvent, sampleEventHelp, type SampleSource } from './sample.js';
export { isoSeconds, scheduledEvent, type ScheduledEventDetail, type ScheduledEventInput } from './scheduled.js';
export {
  parseSnsHttpMessage,
  snsRecord,
  type SnsHttpMessage,
  type SnsHttpNotification,
  type SnsHttpSubscriptionConfirmation,
  type SnsHttpUnsubscribeConfirmation,
  type SnsLambdaMessage,
  type SnsLambdaRecord,
  type SnsRecordContext,
} from './sns.js';
export { resolveSqsQueue, sqsQueueArn, sqsRecord, type SqsQueueRef, type SqsRecordContext } from './sqs.js';
export { md5OfBody, md5OfMessageAttributes } from './sqs-md5.js';
