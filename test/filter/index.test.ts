import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/errors.js';
import { checkFilterCriteria, compileFilterCriteria, FilterCriteriaError, formatFilterProblem } from '../../src/filter/index.js';
import type { PipelineRecord } from '../../src/records.js';
import { criteria, dynamodbRecord, kinesisRecord, kinesisRecordRaw, pipelineRecord, sqsRecord } from './record-factory.js';

interface Case {
  readonly name: string;
  readonly pattern: Record<string, unknown>;
  readonly record: PipelineRecord;
  readonly matches: boolean;
}

function runCases(source: PipelineRecord['source'], cases: readonly Case[]): void {
  it.each(cases)('$name', ({ pattern, record, matches }) => {
    expect(checkFilterCriteria(criteria(pattern), source)).toEqual([]);
    expect(compileFilterCriteria(criteria(pattern), source)(record)).toBe(matches);
  });
}

// https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html
describe('SQS: the Lambda developer guide examples', () => {
  const message = { RecordNumber: 1234, TimeStamp: 'yyyy-mm-ddThh:mm:ss', RequestCode: 'AAAA' };
  runCases('sqs', [
    { name: 'RequestCode BBBB drops an AAAA message', pattern: { body: { RequestCode: ['BBBB'] } }, record: sqsRecord(message), matches: false },
    { name: 'RequestCode BBBB keeps a BBBB message', pattern: { body: { RequestCode: ['BBBB'] } }, record: sqsRecord({ ...message, RequestCode: 'BBBB' }), matches: true },
    { name: 'RecordNumber > 9999 drops 1234', pattern: { body: { RecordNumber: [{ numeric: ['>', 9999] }] } }, record: sqsRecord(message), matches: false },
    { name: 'RecordNumber > 9999 keeps 10000', pattern: { body: { RecordNumber: [{ numeric: ['>', 9999] }] } }, record: sqsRecord({ ...message, RecordNumber: 10000 }), matches: true },
    { name: 'the JSON body is parsed even when pretty-printed', pattern: { body: { RequestCode: ['AAAA'] } }, record: sqsRecord(JSON.stringify(message, null, 2)), matches: true },
  ]);
});

// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-sqs (format table)
describe('SQS: body format versus pattern format', () => {
  runCases('sqs', [
    { name: 'plain string body, plain string pattern: filters', pattern: { body: [{ prefix: 'Hello' }] }, record: sqsRecord('Hello, world'), matches: true },
    { name: 'plain string body, plain string pattern: no match', pattern: { body: ['Bye'] }, record: sqsRecord('Hello, world'), matches: false },
    { name: 'plain string body, JSON pattern: dropped', pattern: { body: { greeting: [{ exists: false }] } }, record: sqsRecord('Hello, world'), matches: false },
    { name: 'JSON body, plain string pattern: dropped', pattern: { body: [{ exists: false }] }, record: sqsRecord({ a: 1 }), matches: false },
    { name: 'JSON body, plain string pattern on its exact text: dropped', pattern: { body: ['{"a":1}'] }, record: sqsRecord({ a: 1 }), matches: false },
    { name: 'JSON body, JSON pattern: filters', pattern: { body: { a: [1] } }, record: sqsRecord({ a: 1 }), matches: true },
    { name: 'no pattern on body: metadata only (plain body)', pattern: { attributes: { ApproximateReceiveCount: ['1'] } }, record: sqsRecord('text'), matches: true },
    { name: 'no pattern on body: metadata only (JSON body)', pattern: { messageAttributes: [{ exists: false }] }, record: sqsRecord({ a: 1 }), matches: true },
    { name: 'a JSON scalar body stays a plain string', pattern: { body: ['123'] }, record: sqsRecord('123'), matches: true },
    { name: 'invalid JSON that starts with { is a plain string', pattern: { body: [{ prefix: '{oops' }] }, record: sqsRecord('{oops'), matches: true },
    { name: 'eventSource is added after filtering and cannot be matched', pattern: { eventSource: ['aws:sqs'] }, record: sqsRecord({ a: 1 }), matches: false },
    { name: 'awsRegion cannot be matched either', pattern: { awsRegion: [{ exists: false }] }, record: sqsRecord({ a: 1 }), matches: true },
  ]);
});

// https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis-filtering.html
describe('Kinesis: the Lambda developer guide examples', () => {
  // The guide's record: data = {"RecordNumber": "0001", "TimeStamp": "yyyy-mm-ddThh:mm:ss", "RequestCode": "AAAA"}
  const documented = kinesisRecordRaw(
    'eyJSZWNvcmROdW1iZXIiOiAiMDAwMSIsICJUaW1lU3RhbXAiOiAieXl5eS1tbS1kZFRoaDptbTpzcyIsICJSZXF1ZXN0Q29kZSI6ICJBQUFBIn0=',
  );
  runCases('kinesis', [
    { name: 'RequestCode BBBB drops the documented AAAA record', pattern: { data: { RequestCode: ['BBBB'] } }, record: documented, matches: false },
    { name: 'RequestCode AAAA keeps it', pattern: { data: { RequestCode: ['AAAA'] } }, record: documented, matches: true },
    { name: 'RecordNumber is the string "0001", not a number', pattern: { data: { RecordNumber: [{ numeric: ['=', 1] }] } }, record: documented, matches: false },
    { name: 'partitionKey and data.Location (multi-field example)', pattern: { partitionKey: ['1'], data: { Location: ['Los Angeles'] } }, record: kinesisRecord({ Location: 'Los Angeles' }), matches: true },
    { name: 'Temperature > 50 and <= 60 keeps 60', pattern: { data: { Temperature: [{ numeric: ['>', 50, '<=', 60] }] } }, record: kinesisRecord({ Temperature: 60 }), matches: true },
    { name: 'Temperature > 50 and <= 60 drops 50', pattern: { data: { Temperature: [{ numeric: ['>', 50, '<=', 60] }] } }, record: kinesisRecord({ Temperature: 50 }), matches: false },
  ]);
});

// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-streams (format table)
describe('Kinesis: data format versus pattern format', () => {
  runCases('kinesis', [
    { name: 'non-JSON data, JSON data pattern: dropped', pattern: { data: { a: [{ exists: false }] } }, record: kinesisRecord('Hello, this is a test.'), matches: false },
    { name: 'non-JSON data, no data pattern: metadata only', pattern: { partitionKey: ['1'] }, record: kinesisRecord('Hello, this is a test.'), matches: true },
    { name: 'JSON data, no data pattern: metadata only', pattern: { partitionKey: ['2'] }, record: kinesisRecord({ a: 1 }), matches: false },
    { name: 'eventName is metadata added after filtering', pattern: { eventName: ['aws:kinesis:record'] }, record: kinesisRecord({ a: 1 }), matches: false },
    { name: 'data that is not base64 JSON is dropped by a data pattern', pattern: { data: { a: [{ exists: false }] } }, record: kinesisRecordRaw('!!!not base64!!!'), matches: false },
  ]);
});

// https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html
describe('DynamoDB: the Lambda developer guide examples', () => {
  const customer = dynamodbRecord({
    Keys: { CustomerName: { S: 'AnyCompany Industries' } },
    NewImage: {
      AccountManager: { S: 'Pat Candella' },
      PaymentTerms: { S: '60 days' },
      CustomerName: { S: 'AnyCompany Industries' },
    },
  });
  const item101 = dynamodbRecord({ Keys: { Id: { N: '101' } }, NewImage: { Message: { S: 'New item!' }, Id: { N: '101' } } });
  runCases('dynamodb', [
    { name: 'table key CustomerName', pattern: { dynamodb: { Keys: { CustomerName: { S: ['AnyCompany Industries'] } } } }, record: customer, matches: true },
    { name: 'table attribute AccountManager', pattern: { dynamodb: { NewImage: { AccountManager: { S: ['Pat Candella'] } } } }, record: customer, matches: true },
    { name: 'AND of two attributes, one differs', pattern: { dynamodb: { NewImage: { AccountManager: { S: ['Pat Candella'] }, PaymentTerms: { S: ['30 days'] } } } }, record: customer, matches: false },
    { name: 'multi-level filtering on Keys.Id.N "101"', pattern: { dynamodb: { Keys: { Id: { N: ['101'] } } } }, record: item101, matches: true },
    { name: 'N values are strings: numeric never matches them', pattern: { dynamodb: { Keys: { Id: { N: [{ numeric: ['=', 101] }] } } } }, record: item101, matches: false },
    { name: 'exists on an attribute (an intermediate node) does not match', pattern: { dynamodb: { NewImage: { AccountManager: [{ exists: true }] } } }, record: customer, matches: false },
    { name: 'exists on the attribute type matches', pattern: { dynamodb: { NewImage: { AccountManager: { S: [{ exists: true }] } } } }, record: customer, matches: true },
    { name: 'exists: false on an absent attribute', pattern: { dynamodb: { NewImage: { Discount: { N: [{ exists: false }] } } } }, record: customer, matches: true },
    { name: 'eventName INSERT (metadata property)', pattern: { eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['active'] } } } }, record: dynamodbRecord({ NewImage: { status: { S: 'active' } } }), matches: true },
    { name: 'eventName MODIFY does not match an INSERT', pattern: { eventName: ['MODIFY'] }, record: customer, matches: false },
    { name: 'eventSourceARN is invisible', pattern: { eventSourceARN: [{ prefix: 'arn:' }] }, record: customer, matches: false },
  ]);
});

describe('S3, SNS and schedule records are matched as they are', () => {
  const s3 = pipelineRecord('s3', { eventSource: 'aws:s3', awsRegion: 'us-east-1', eventName: 'ObjectCreated:Put', s3: { object: { key: 'photos/cat.png', size: 1024 } } });
  runCases('s3', [
    { name: 'S3 object key suffix', pattern: { s3: { object: { key: [{ suffix: '.png' }] } } }, record: s3, matches: true },
    { name: 'S3 eventSource is part of the S3 record', pattern: { eventSource: ['aws:s3'], s3: { object: { size: [{ numeric: ['>=', 1024] }] } } }, record: s3, matches: true },
  ]);
});

describe('compileFilterCriteria', () => {
  it('lets every record through without criteria or with no filters', () => {
    expect(compileFilterCriteria(undefined, 'sqs')(sqsRecord('x'))).toBe(true);
    expect(compileFilterCriteria({ filters: [] }, 'kinesis')(kinesisRecord('x'))).toBe(true);
  });

  it('ORs the filters of a mapping', () => {
    const filter = compileFilterCriteria(criteria({ body: { a: [1] } }, { body: { b: [2] } }), 'sqs');
    expect([{ a: 1 }, { b: 2 }, { a: 2, b: 1 }].map((b) => filter(sqsRecord(b)))).toEqual([true, true, false]);
  });

  it('throws a SluiceError InvalidFilterCriteria listing every problem', () => {
    const bad = criteria({ body: { a: [{ prefx: 'x' }] } }, '{"a": 1', { body: { b: ['ok'] } });
    let thrown: unknown;
    try {
      compileFilterCriteria(bad, 'sqs');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SluiceError);
    expect(thrown).toBeInstanceOf(FilterCriteriaError);
    const error = thrown as FilterCriteriaError;
    expect(error.code).toBe('InvalidFilterCriteria');
    expect(error.retryable).toBe(false);
    expect(error.problems.map((p) => [p.filterIndex, p.offset])).toEqual([
      [0, 15],
      [1, 7],
    ]);
    expect(error.message).toContain('filters[0] offset 15: unknown operator "prefx"; did you mean "prefix"?');
    expect(error.message).toContain('filters[1] offset 7: invalid JSON');
  });

  it('reports a pattern that is not a string instead of throwing', () => {
    const notAString = { filters: [{ pattern: { body: { a: [1] } } as unknown as string }] };
    expect(checkFilterCriteria(notAString, 'sqs')).toEqual([{ filterIndex: 0, message: 'a filter pattern must be a JSON string' }]);
  });

  it('formats a problem without an offset', () => {
    expect(formatFilterProblem({ filterIndex: 2, message: 'too many filters' })).toBe('filters[2]: too many filters');
  });
});
