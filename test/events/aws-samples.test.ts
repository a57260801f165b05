import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { _Record as DynamoDbSdkRecord } from '@aws-sdk/client-dynamodb-streams';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, KinesisStreamRecord, S3EventRecord, ScheduledEvent, SNSEventRecord, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { dynamodbRecord } from '../../src/events/dynamodb.js';
import { fromWireImage } from '../../src/events/dynamodb-attributes.js';
import { kinesisRecord } from '../../src/events/kinesis.js';
import { decodeS3Key, parseS3Notification, s3Record } from '../../src/events/s3.js';
import { scheduledEvent } from '../../src/events/scheduled.js';
import { parseSnsHttpMessage, snsRecord, type SnsHttpNotification } from '../../src/events/sns.js';
import { sqsRecord } from '../../src/events/sqs.js';
import { shapeSet } from './shape.js';

/**
 * AWS's own sample events (aws-lambda-go, aws-sam-cli, aws-lambda-java-libs,
 * Powertools, the Lambda Developer Guide), kept outside the repository in
 * ../shared/aws-events. Each conforming sample record is turned back into what
 * the SDK (or the push endpoint) hands sluice, normalized again, and must come
 * out with exactly the sample's key paths and JSON types.
 */
const repoRoot = new URL('../../', import.meta.url);
const samplesDir = fileURLToPath(new URL('../shared/aws-events/', repoRoot));

/** What each file-name prefix is checked with; the ignored ones are not events sluice produces. */
const IGNORED: Readonly<Record<string, string>> = {
  batchresponse: 'a function response, not an event',
  eventbridge: 'non-scheduled EventBridge events; sluice only emits Scheduled Events',
};

type Normalize = (record: unknown) => unknown;

const NORMALIZERS: Readonly<Record<string, Normalize>> = {
  sqs: (record) => {
    const r = record as SQSRecord;
    return sqsRecord(sqsMessageOf(r), { queueArn: r.eventSourceARN, region: r.awsRegion });
  },
  kinesis: (record) => {
    const r = record as KinesisStreamRecord;
    return kinesisRecord(
      {
        SequenceNumber: r.kinesis.sequenceNumber,
        ApproximateArrivalTimestamp: new Date(Math.round(r.kinesis.approximateArrivalTimestamp * 1000)),
        Data: new Uint8Array(Buffer.from(r.kinesis.data, 'base64')),
        PartitionKey: r.kinesis.partitionKey,
      },
      { shardId: r.eventID.split(':')[0] ?? '', streamArn: r.eventSourceARN, region: r.awsRegion, invokeIdentityArn: r.invokeIdentityArn },
    );
  },
  dynamodb: (record) => {
    const r = record as DynamoDBRecord;
    return dynamodbRecord(dynamodbSdkRecordOf(r), { streamArn: r.eventSourceARN ?? '', region: 'unused' });
  },
  s3: (record) => {
    const r = record as S3EventRecord;
    const { object, bucket } = r.s3;
    return s3Record({
      eventName: r.eventName,
      bucket: bucket.name,
      key: decodeS3Key(object.key),
      ...(object.size !== undefined ? { size: object.size } : {}),
      ...(object.eTag !== undefined ? { eTag: object.eTag } : {}),
      ...(object.versionId !== undefined ? { versionId: object.versionId } : {}),
      ...(object.sequencer !== undefined ? { sequencer: object.sequencer } : {}),
      region: r.awsRegion,
      time: new Date(r.eventTime),
      principalId: r.userIdentity.principalId,
      sourceIPAddress: r.requestParameters.sourceIPAddress,
      requestId: r.responseElements['x-amz-request-id'],
      hostId: r.responseElements['x-amz-id-2'],
      configurationId: r.s3.configurationId,
      ownerPrincipalId: bucket.ownerIdentity.principalId,
      eventVersion: r.eventVersion,
      ...(r.glacierEventData !== undefined ? { glacierEventData: r.glacierEventData } : {}),
    });
  },
  sns: (record) => {
    const r = record as SNSEventRecord & { Sns: { Subject: string | null } };
    const { Sns: sns } = r;
    const body = {
      Type: sns.Type,
      MessageId: sns.MessageId,
      TopicArn: sns.TopicArn,
      ...(sns.Subject !== null && sns.Subject !== undefined ? { Subject: sns.Subject } : {}),
      Message: sns.Message,
      Timestamp: sns.Timestamp,
      SignatureVersion: sns.SignatureVersion,
      Signature: sns.Signature,
      SigningCertURL: sns.SigningCertUrl,
      UnsubscribeURL: sns.UnsubscribeUrl,
      MessageAttributes: sns.MessageAttributes,
    };
    return snsRecord(parseSnsHttpMessage(JSON.stringify(body)) as SnsHttpNotification, { subscriptionArn: r.EventSubscriptionArn });
  },
  scheduled: (event) => {
    const e = event as ScheduledEvent;
    return scheduledEvent({ id: e.id, time: new Date(e.time), account: e.account, region: e.region, ruleArn: e.resources[0] ?? '' });
  },
};

function sqsMessageOf(r: SQSRecord): Message {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, a] of Object.entries(r.messageAttributes)) {
    attributes[name] = {
      DataType: a.dataType,
      ...(a.stringValue !== undefined ? { StringValue: a.stringValue } : {}),
      ...(a.binaryValue !== undefined ? { BinaryValue: new Uint8Array(Buffer.from(a.binaryValue, 'base64')) } : {}),
      ...(a.stringListValues?.length ? { StringListValues: a.stringListValues } : {}),
      ...(a.binaryListValues?.length ? { BinaryListValues: a.binaryListValues.map((v) => new Uint8Array(Buffer.from(v, 'base64'))) } : {}),
    };
  }
  return {
    MessageId: r.messageId,
    ReceiptHandle: r.receiptHandle,
    MD5OfBody: r.md5OfBody,
    Body: r.body,
    Attributes: { ...r.attributes } as NonNullable<Message['Attributes']>,
    ...(r.md5OfMessageAttributes !== undefined ? { MD5OfMessageAttributes: r.md5OfMessageAttributes } : {}),
    MessageAttributes: attributes,
  };
}

function dynamodbSdkRecordOf(r: DynamoDBRecord): DynamoDbSdkRecord {
  const stream = r.dynamodb ?? {};
  const identity = r.userIdentity as { type: string; principalId: string } | undefined;
  return {
    ...(r.eventID !== undefined ? { eventID: r.eventID } : {}),
    ...(r.eventName !== undefined ? { eventName: r.eventName } : {}),
    ...(r.eventVersion !== undefined ? { eventVersion: r.eventVersion } : {}),
    ...(r.awsRegion !== undefined ? { awsRegion: r.awsRegion } : {}),
    dynamodb: {
      ...(stream.ApproximateCreationDateTime !== undefined
        ? { ApproximateCreationDateTime: new Date(Math.round(stream.ApproximateCreationDateTime * 1000)) }
        : {}),
      ...(stream.Keys !== undefined ? { Keys: fromWireImage(stream.Keys) } : {}),
      ...(stream.NewImage !== undefined ? { NewImage: fromWireImage(stream.NewImage) } : {}),
      ...(stream.OldImage !== undefined ? { OldImage: fromWireImage(stream.OldImage) } : {}),
      ...(stream.SequenceNumber !== undefined ? { SequenceNumber: stream.SequenceNumber } : {}),
      ...(stream.SizeBytes !== undefined ? { SizeBytes: stream.SizeBytes } : {}),
      ...(stream.StreamViewType !== undefined ? { StreamViewType: stream.StreamViewType } : {}),
    },
    ...(identity !== undefined ? { userIdentity: { PrincipalId: identity.principalId, Type: identity.type } } : {}),
  };
}

/** The sample's values as they can survive the SDK's types (sub-millisecond creation times cannot). */
function lossless(prefix: string, record: unknown): unknown {
  if (prefix !== 'dynamodb') return record;
  const r = structuredClone(record) as DynamoDBRecord;
  const stream = r.dynamodb;
  if (stream?.ApproximateCreationDateTime !== undefined) {
    stream.ApproximateCreationDateTime = Math.round(stream.ApproximateCreationDateTime * 1000) / 1000;
  }
  return r;
}

const files = existsSync(samplesDir) ? readdirSync(samplesDir).filter((name) => name.endsWith('.json')).sort() : [];
const prefixOf = (file: string): string => file.slice(0, file.indexOf('-'));
const checked = files.filter((file) => IGNORED[prefixOf(file)] === undefined);

function recordsOf(file: string): unknown[] {
  const document = JSON.parse(readFileSync(`${samplesDir}${file}`, 'utf8')) as { Records?: unknown[] };
  return prefixOf(file) === 'scheduled' ? [document] : (document.Records ?? []);
}

describe('normalizers against AWS sample events (../shared/aws-events)', () => {
  it('finds the AWS sample events', () => {
    if (!existsSync(samplesDir)) {
      throw new Error(`AWS sample events folder missing: ${samplesDir} (expected ../shared/aws-events beside the repository root)`);
    }
    expect(new Set(checked.map(prefixOf))).toStrictEqual(new Set(Object.keys(NORMALIZERS)));
  });

  it.each(checked)('%s: same key paths and JSON types, record by record', (file) => {
    const normalize = NORMALIZERS[prefixOf(file)];
    if (normalize === undefined) throw new Error(`no normalizer for sample ${file}: map its prefix or ignore it with a reason`);
    const records = recordsOf(file);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(shapeSet(normalize(record)), file).toStrictEqual(shapeSet(record));
    }
  });

  it.each(checked)('%s: same values too, after a round trip through the SDK shape', (file) => {
    const prefix = prefixOf(file);
    const normalize = NORMALIZERS[prefix];
    if (normalize === undefined) throw new Error(`no normalizer for sample ${file}`);
    for (const record of recordsOf(file)) {
      expect(normalize(record), file).toStrictEqual(lossless(prefix, record));
    }
  });

  it.each(checked.filter((file) => prefixOf(file) === 's3'))('%s: parseS3Notification returns the records unchanged', (file) => {
    const records = recordsOf(file);
    expect(parseS3Notification({ Records: records })).toStrictEqual(records);
  });
});
