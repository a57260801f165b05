import type { _Record as KinesisSdkRecord } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import { SluiceError } from '../errors.js';

/** Where a Kinesis record was read from, and who reads it. */
export interface KinesisRecordContext {
  /** e.g. `shardId-000000000006`. */
  readonly shardId: string;
  readonly streamArn: string;
  readonly region: string;
  /** The function's execution role, as Lambda reports it. */
  readonly invokeIdentityArn: string;
}

/**
 * The Kinesis record Lambda delivers for a `GetRecords` record.
 *
 * - `data` is the base64 of the record's bytes.
 * - `approximateArrivalTimestamp` is epoch seconds with millisecond precision
 *   (a float, never milliseconds).
 * - `eventID` is `<shardId>:<sequenceNumber>`.
 * - `encryptionType` from the SDK record is not part of Lambda's record.
 *
 * @example
 * ```json
 * {
 *   "kinesis": {
 *     "kinesisSchemaVersion": "1.0",
 *     "partitionKey": "1",
 *     "sequenceNumber": "49590338271490256608559692538361571095921575989136588898",
 *     "data": "SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==",
 *     "approximateArrivalTimestamp": 1545084650.987
 *   },
 *   "eventSource": "aws:kinesis",
 *   "eventVersion": "1.0",
 *   "eventID": "shardId-000000000006:49590338271490256608559692538361571095921575989136588898",
 *   "eventName": "aws:kinesis:record",
 *   "invokeIdentityArn": "arn:aws:iam::123456789012:role/lambda-role",
 *   "awsRegion": "us-east-2",
 *   "eventSourceARN": "arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream"
 * }
 * ```
 * @throws SluiceError `MalformedRecord` when the record lacks its sequence
 *   number, data, partition key or arrival timestamp.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
export function kinesisRecord(record: KinesisSdkRecord, ctx: KinesisRecordContext): KinesisStreamRecord {
  const sequenceNumber = record.SequenceNumber;
  if (sequenceNumber === undefined || sequenceNumber === '') {
    throw new SluiceError('MalformedRecord', `Kinesis record in ${ctx.shardId} has no SequenceNumber`);
  }
  if (record.Data === undefined) {
    throw new SluiceError('MalformedRecord', `Kinesis record ${sequenceNumber} has no Data`);
  }
  if (record.PartitionKey === undefined) {
    throw new SluiceError('MalformedRecord', `Kinesis record ${sequenceNumber} has no PartitionKey`);
  }
  const arrival = record.ApproximateArrivalTimestamp;
  if (arrival === undefined || Number.isNaN(arrival.getTime())) {
    throw new SluiceError('MalformedRecord', `Kinesis record ${sequenceNumber} has no ApproximateArrivalTimestamp`);
  }
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey,
      sequenceNumber,
      data: Buffer.from(record.Data).toString('base64'),
      approximateArrivalTimestamp: epochSeconds(arrival),
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${ctx.shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: ctx.invokeIdentityArn,
    awsRegion: ctx.region,
    eventSourceARN: ctx.streamArn,
  };
}

/**
 * Epoch seconds of a date, keeping its milliseconds as the fraction
 * (`1545084650987` ms becomes `1545084650.987`). Division by 1000 is exact to
 * the nearest double, so the JSON text is the shortest decimal, as AWS prints.
 */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}
