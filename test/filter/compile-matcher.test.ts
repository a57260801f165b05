/**
 * Pattern structure: AND of fields, nesting, `$or`, arrays, exists on intermediate
 * nodes, duplicate keys, and the data-key guards — with the EventBridge user guide's
 * and event-ruler's documented examples.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
 */
import { describe, expect, it } from 'vitest';
import type { SourceType } from '../../src/config/types.js';
import { compilePattern } from '../../src/filter/compile-pattern.js';

function matcher(pattern: unknown, source: SourceType = 's3'): (view: Record<string, unknown>) => boolean {
  const text = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
  return compilePattern(text, { source, dialect: 'eventbridge' }).match;
}

const ec2Event = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.33', 'instance-id': 'i-000000aaaaaa00000', state: 'running' },
};

describe('AND of fields and nesting', () => {
  it.each([
    { name: 'simple matching', pattern: { 'detail-type': ['EC2 Instance State-change Notification'], resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'], detail: { state: ['initializing', 'running'] } }, matches: true },
    { name: 'one field differs', pattern: { source: ['aws.ec2'], detail: { state: ['terminated'] } }, matches: false },
    { name: 'a field the event lacks', pattern: { source: ['aws.ec2'], detail: { 'e-count': [5] } }, matches: false },
    { name: 'a nested pattern on a leaf value', pattern: { source: { name: ['aws.ec2'] } }, matches: false },
    {
      name: 'the complex example',
      pattern: {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
          'source-ip': [{ cidr: '10.0.0.0/8' }],
        },
      },
      matches: true,
    },
    { name: 'the numeric example', pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, matches: true },
  ])('$name', ({ pattern, matches }) => {
    expect(matcher(pattern)(ec2Event)).toBe(matches);
  });

  it('uses the last of duplicate keys (EventBridge user guide note)', () => {
    const match = matcher('{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}');
    expect(match({ detail: { location: 'eu-west' } })).toBe(true);
    expect(match({ detail: { location: 'us-east' } })).toBe(false);
  });

  it('never reads Object.prototype for keys such as "constructor"', () => {
    expect(matcher({ constructor: [{ exists: false }], toString: [{ exists: false }] })({})).toBe(true);
    expect(matcher({ constructor: [{ exists: true }] })({})).toBe(false);
    expect(matcher({ hasOwnProperty: { x: [1] } })({})).toBe(false);
    expect(matcher('{"__proto__": ["x"]}')(JSON.parse('{"__proto__": "x"}') as Record<string, unknown>)).toBe(true);
  });
});

describe('exists works on leaves only (event-ruler README)', () => {
  const pattern = { detail: { 'c-count': [{ exists: false }] } };
  it.each([
    { name: 'absent c-count', event: { detail: { state: ['initializing', 'running'] } }, matches: true },
    { name: 'c-count is an object (not a leaf)', event: { detail: { state: 'x', 'c-count': { c1: 100 } } }, matches: true },
    { name: 'c-count is a leaf', event: { detail: { 'c-count': 1 } }, matches: false },
    { name: 'detail itself is absent', event: {}, matches: true },
    { name: 'detail is a string', event: { detail: 'x' }, matches: true },
  ])('exists: false, $name', ({ event, matches }) => {
    expect(matcher(pattern)(event)).toBe(matches);
  });

  it('exists: true does not match an intermediate node (Lambda guide example)', () => {
    const person = { person: { name: 'John Doe', age: 30, address: { street: '123 Main St', city: 'Anytown', country: 'USA' } } };
    expect(matcher({ person: { address: [{ exists: true }] } })(person)).toBe(false);
    expect(matcher({ person: { address: { city: [{ exists: true }] } } })(person)).toBe(true);
  });
});

describe('arrays', () => {
  const employees = { employees: [{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }, { firstName: 'Peter', lastName: 'Jones' }] };
  it.each([
    { name: 'a field of one element', pattern: { employees: { firstName: ['Anna'] } }, event: employees, matches: true },
    { name: 'fields of one element', pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event: employees, matches: true },
    { name: 'fields of different elements never combine', pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event: employees, matches: false },
    { name: 'multi-level arrays', pattern: { employees: { firstName: ['Peter'] } }, event: { employees: [[employees.employees[0]], [employees.employees[2]]] }, matches: true },
    { name: 'an event array intersecting the value list', pattern: { resources: ['b', 'z'] }, event: { resources: ['a', 'b'] }, matches: true },
    { name: 'an event array disjoint from the value list', pattern: { resources: ['y', 'z'] }, event: { resources: ['a', 'b'] }, matches: false },
    { name: 'exists: false in an element without the field', pattern: { items: { sku: [{ exists: false }] } }, event: { items: [{ sku: 'a' }, { qty: 1 }] }, matches: true },
    { name: 'exists: false when every element has the field', pattern: { items: { sku: [{ exists: false }] } }, event: { items: [{ sku: 'a' }] }, matches: false },
    { name: 'exists: false on an array of scalars only', pattern: { items: { sku: [{ exists: false }] } }, event: { items: [1, 2] }, matches: true },
    { name: 'exists: false on an empty array', pattern: { items: { sku: [{ exists: false }] } }, event: { items: [] }, matches: true },
  ])('$name', ({ pattern, event, matches }) => {
    expect(matcher(pattern)(event)).toBe(matches);
  });
});

describe('$or', () => {
  it.each([
    { name: 'source && (metricName || namespace): metricName', event: { source: 'aws.cloudwatch', metricName: 'CPUUtilization' }, matches: true },
    { name: 'source && (metricName || namespace): namespace', event: { source: 'aws.cloudwatch', namespace: 'AWS/ES' }, matches: true },
    { name: 'source && (metricName || namespace): neither', event: { source: 'aws.cloudwatch', metricName: 'Other' }, matches: false },
    { name: 'source && (metricName || namespace): wrong source', event: { source: 'aws.ec2', namespace: 'AWS/EC2' }, matches: false },
  ])('$name', ({ event, matches }) => {
    const match = matcher({ source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] });
    expect(match(event)).toBe(matches);
  });

  it('parallel $or groups are AND-ed', () => {
    const match = matcher({
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    });
    expect(match({ namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } })).toBe(true);
    expect(match({ namespace: 'AWS/EC2', detail: { source: 'aws.ec2' } })).toBe(false);
  });

  it('nested $or inside an $or branch', () => {
    const match = matcher({
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        { scope: ['Service'] },
      ],
    });
    expect(match({ source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 })).toBe(true);
    expect(match({ source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1 })).toBe(false);
    expect(match({ source: 'aws.cloudwatch', scope: 'Service' })).toBe(true);
  });

  it('the EventBridge guide example: any of c-count, d-count, x-limit', () => {
    const match = matcher({ detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }] } });
    expect(match({ detail: { 'c-count': 50, 'd-count': 50, 'x-limit': 301.8 } })).toBe(true);
    expect(match({ detail: { 'c-count': 50, 'd-count': 50, 'x-limit': 1 } })).toBe(false);
  });
});

describe('the data key of a source', () => {
  it('SQS: an object pattern on body needs a JSON-object body; a value list needs a string', () => {
    const objectPattern = matcher({ body: { a: [{ exists: false }] } }, 'sqs');
    const listPattern = matcher({ body: [{ exists: true }] }, 'sqs');
    expect([{ body: { b: 1 } }, { body: 'text' }, {}].map(objectPattern)).toEqual([true, false, false]);
    expect([{ body: { b: 1 } }, { body: 'text' }, {}].map(listPattern)).toEqual([false, true, false]);
  });

  it('SQS: the guard also applies in the branches of a top-level $or, and not below the top level', () => {
    const match = matcher({ $or: [{ body: { a: [{ exists: false }] } }, { messageId: ['m'] }] }, 'sqs');
    expect(match({ body: 'text', messageId: 'x' })).toBe(false);
    expect(match({ body: {}, messageId: 'x' })).toBe(true);
    expect(matcher({ attributes: { body: { a: [{ exists: false }] } } }, 'sqs')({ attributes: { body: 'x' } })).toBe(true);
  });

  it('Kinesis and DynamoDB: an object pattern on the data key needs the data object', () => {
    expect(matcher({ data: { a: [{ exists: false }] } }, 'kinesis')({ partitionKey: '1' })).toBe(false);
    expect(matcher({ data: { a: [{ exists: false }] } }, 'kinesis')({ data: {} })).toBe(true);
    expect(matcher({ dynamodb: { Keys: [{ exists: false }] } }, 'dynamodb')({ dynamodb: {} })).toBe(true);
  });

  it('other sources have no data key: body is an ordinary field', () => {
    expect(matcher({ body: { a: [{ exists: false }] } }, 'sns')({ body: 'text' })).toBe(true);
  });
});
