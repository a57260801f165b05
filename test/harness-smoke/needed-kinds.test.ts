import { describe, expect, it } from 'vitest';
import { kindsUsedBy } from '../harness/needed-kinds.js';

describe('kindsUsedBy', () => {
  it.each([
    ["useEmulator('dynamodb-local')", ['dynamodb-local']],
    ['startEmulator("kinesis-local", { startTimeoutMs: 1 })', ['kinesis-local']],
    ['describe.each(sqsEmulators())', ['moto', 'elasticmq']],
    ["sqsEmulators (); useEmulator('kinesis-local')", ['moto', 'elasticmq', 'kinesis-local']],
    ['const kinds = [`moto`, `elasticmq`]', ['moto', 'elasticmq']],
    ['// a comment about moto and elasticmq without quotes', []],
    ["import { SQSClient } from '@aws-sdk/client-sqs'", []],
  ])('%s -> %j', (source, expected) => {
    expect(kindsUsedBy(source)).toEqual(expected);
  });
});
