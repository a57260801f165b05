/**
 * Replay lines are records as the AWS API returns them and the AWS CLI prints them
 * (JSON: binary as base64, timestamps as epoch seconds or ISO strings). These turn
 * them into the AWS SDK v3 types the pollers get, so replayed and live records go
 * through the same normalizers.
 */
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import type { AttributeValue, _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';

export const DEFAULT_SHARD_ID = 'shardId-000000000000';

type Json = Record<string, unknown>;

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} must be a JSON object`);
  return value as Json;
}
function string(obj: Json, key: string, what: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '') throw new Error(`${what}.${key} must be a non-empty string`);
  return value;
}
function optionalString(obj: Json, key: string, what: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`${what}.${key} must be a string`);
  return value;
}
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
function base64(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) throw new Error(`${what} must be base64`);
  return new Uint8Array(Buffer.from(value, 'base64'));
}
/** Epoch seconds (number or numeric string) or an ISO 8601 string. */
export function timestamp(value: unknown, what: string): Date {
  const date =
    typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value))
      ? new Date(Number(value) * 1000)
      : typeof value === 'string'
        ? new Date(value)
        : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) throw new Error(`${what} must be epoch seconds or an ISO 8601 time`);
  return date;
}

/** An SQS `Message` as ReceiveMessage returns it. */
export function toSqsMessage(value: unknown): Message {
  const o = object(value, 'message');
  const attributes = o['Attributes'] === undefined ? undefined : object(o['Attributes'], 'message.Attributes');
  const messageAttributes: Record<string, MessageAttributeValue> = {};
  if (o['MessageAttributes'] !== undefined) {
    for (const [name, raw] of Object.entries(object(o['MessageAttributes'], 'message.MessageAttributes'))) {
      const what = `message.MessageAttributes.${name}`;
      const a = object(raw, what);
      const attr: MessageAttributeValue = { DataType: string(a, 'DataType', what) };
      const sv = optionalString(a, 'StringValue', what);
      if (sv !== undefined) attr.StringValue = sv;
      if (a['BinaryValue'] !== undefined) attr.BinaryValue = base64(a['BinaryValue'], `${what}.BinaryValue`);
      messageAttributes[name] = attr;
    }
  }
  const body = o['Body'];
  if (typeof body !== 'string') throw new Error('message.Body must be a string');
  const message: Message = {
    MessageId: string(o, 'MessageId', 'message'),
    ReceiptHandle: optionalString(o, 'ReceiptHandle', 'message') ?? `replay-${String(o['MessageId'])}`,
    Body: body,
  };
  const md5 = optionalString(o, 'MD5OfBody', 'message');
  if (md5 !== undefined) message.MD5OfBody = md5;
  if (attributes) message.Attributes = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, String(v)]));
  if (Object.keys(messageAttributes).length > 0) message.MessageAttributes = messageAttributes;
  const md5Attrs = optionalString(o, 'MD5OfMessageAttributes', 'message');
  if (md5Attrs !== undefined) message.MD5OfMessageAttributes = md5Attrs;
  return message;
}

/** A Kinesis `Record` as GetRecords returns it, with the shard it was read from. */
export function toKinesisRecord(value: unknown): { shardId: string; record: KinesisRecord } {
  const o = object(value, 'record');
  const record: KinesisRecord = {
    SequenceNumber: string(o, 'SequenceNumber', 'record'),
    ApproximateArrivalTimestamp: timestamp(o['ApproximateArrivalTimestamp'], 'record.ApproximateArrivalTimestamp'),
    Data: base64(o['Data'], 'record.Data'),
    PartitionKey: string(o, 'PartitionKey', 'record'),
  };
  const encryption = optionalString(o, 'EncryptionType', 'record');
  if (encryption === 'KMS' || encryption === 'NONE') record.EncryptionType = encryption;
  return { shardId: optionalString(o, 'ShardId', 'record') ?? DEFAULT_SHARD_ID, record };
}

/** A DynamoDB Streams `Record` as GetRecords returns it, with the shard it was read from. */
export function toStreamRecord(value: unknown): { shardId: string; record: StreamRecord } {
  const o = object(value, 'record');
  const eventName = string(o, 'eventName', 'record');
  if (eventName !== 'INSERT' && eventName !== 'MODIFY' && eventName !== 'REMOVE') {
    throw new Error(`record.eventName must be INSERT, MODIFY or REMOVE, got "${eventName}"`);
  }
  const d = object(o['dynamodb'], 'record.dynamodb');
  const dynamodb: NonNullable<StreamRecord['dynamodb']> = {
    SequenceNumber: string(d, 'SequenceNumber', 'record.dynamodb'),
    Keys: image(d['Keys'], 'record.dynamodb.Keys'),
  };
  if (d['ApproximateCreationDateTime'] !== undefined) {
    dynamodb.ApproximateCreationDateTime = timestamp(d['ApproximateCreationDateTime'], 'record.dynamodb.ApproximateCreationDateTime');
  }
  if (d['NewImage'] !== undefined) dynamodb.NewImage = image(d['NewImage'], 'record.dynamodb.NewImage');
  if (d['OldImage'] !== undefined) dynamodb.OldImage = image(d['OldImage'], 'record.dynamodb.OldImage');
  if (typeof d['SizeBytes'] === 'number') dynamodb.SizeBytes = d['SizeBytes'];
  const view = optionalString(d, 'StreamViewType', 'record.dynamodb');
  if (view !== undefined) dynamodb.StreamViewType = view as NonNullable<typeof dynamodb.StreamViewType>;
  const record: StreamRecord = { eventName, dynamodb };
  const eventID = optionalString(o, 'eventID', 'record');
  if (eventID !== undefined) record.eventID = eventID;
  for (const key of ['eventVersion', 'eventSource', 'awsRegion'] as const) {
    const v = optionalString(o, key, 'record');
    if (v !== undefined) record[key] = v;
  }
  if (o['userIdentity'] !== undefined) {
    const u = object(o['userIdentity'], 'record.userIdentity');
    record.userIdentity = { PrincipalId: String(u['PrincipalId'] ?? u['principalId']), Type: String(u['Type'] ?? u['type']) };
  }
  return { shardId: optionalString(o, 'ShardId', 'record') ?? DEFAULT_SHARD_ID, record };
}

function image(value: unknown, what: string): Record<string, AttributeValue> {
  const o = object(value, what);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, attributeValue(v, `${what}.${k}`)]));
}

/** DynamoDB's JSON AttributeValue (`{"S":"x"}`, `{"B":"base64"}`, ...) into the SDK's. */
function attributeValue(value: unknown, what: string): AttributeValue {
  const o = object(value, what);
  const keys = Object.keys(o);
  if (keys.length !== 1) throw new Error(`${what} must have exactly one type key (S, N, B, SS, NS, BS, M, L, NULL, BOOL)`);
  const type = keys[0] as string;
  const v = o[type];
  switch (type) {
    case 'S':
    case 'N':
      if (typeof v !== 'string') throw new Error(`${what}.${type} must be a string`);
      return type === 'S' ? { S: v } : { N: v };
    case 'B':
      return { B: base64(v, `${what}.B`) };
    case 'SS':
    case 'NS':
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Error(`${what}.${type} must be a list of strings`);
      return type === 'SS' ? { SS: v as string[] } : { NS: v as string[] };
    case 'BS':
      if (!Array.isArray(v)) throw new Error(`${what}.BS must be a list`);
      return { BS: v.map((x, i) => base64(x, `${what}.BS[${i}]`)) };
    case 'M':
      return { M: image(v, `${what}.M`) };
    case 'L':
      if (!Array.isArray(v)) throw new Error(`${what}.L must be a list`);
      return { L: v.map((x, i) => attributeValue(x, `${what}.L[${i}]`)) };
    case 'NULL':
      if (v !== true) throw new Error(`${what}.NULL must be true`);
      return { NULL: true };
    case 'BOOL':
      if (typeof v !== 'boolean') throw new Error(`${what}.BOOL must be a boolean`);
      return { BOOL: v };
    default:
      throw new Error(`${what} has unknown attribute type "${type}"`);
  }
}
