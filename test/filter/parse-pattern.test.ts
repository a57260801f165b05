import { describe, expect, it } from 'vitest';
import type { SourceType } from '../../src/config/types.js';
import { checkFilterCriteria } from '../../src/filter/index.js';
import { parsePattern } from '../../src/filter/parse-pattern.js';

interface Rejection {
  readonly name: string;
  readonly pattern: string;
  /** The problem's offset: the first occurrence of this text, or a number. */
  readonly at: string | number;
  readonly message: string;
  readonly source?: SourceType;
}

function offsetOf(pattern: string, at: string | number): number {
  if (typeof at === 'number') return at;
  const index = pattern.indexOf(at);
  if (index < 0) throw new Error(`"${at}" is not in ${pattern}`);
  return index;
}

function expectRejected({ pattern, at, message, source }: Rejection): void {
  const problems = checkFilterCriteria({ filters: [{ pattern }] }, source ?? 'sqs');
  expect(problems).toContainEqual({ filterIndex: 0, offset: offsetOf(pattern, at), message: expect.stringContaining(message) });
}

describe('invalid JSON: the offset is the parse position', () => {
  it.each<Rejection>([
    { name: 'empty pattern', pattern: '', at: 0, message: 'invalid JSON: unexpected end of input; expected a JSON value' },
    { name: 'trailing comma', pattern: '{"a": ["x",]}', at: ']', message: 'invalid JSON: unexpected character "]"' },
    { name: 'unterminated object', pattern: '{"a": ["x"]', at: 11, message: "expected ',' or '}'" },
    { name: 'missing colon', pattern: '{"a" ["x"]}', at: '[', message: "expected ':' after the key" },
    { name: 'unquoted key', pattern: '{a: ["x"]}', at: 'a', message: 'expected a quoted object key' },
    { name: 'single quotes', pattern: "{'a': ['x']}", at: "'a'", message: 'expected a quoted object key' },
    { name: 'unterminated string', pattern: '{"a": ["x]}', at: '"x', message: 'unterminated string' },
    { name: 'bad escape', pattern: '{"a": ["\\q"]}', at: '\\q', message: 'invalid escape sequence \\q' },
    { name: 'bad unicode escape', pattern: '{"a": ["\\u12G4"]}', at: '\\u', message: 'invalid \\u escape' },
    { name: 'raw control character', pattern: '{"a": ["x\ty"]}', at: '\t', message: 'control character in string' },
    { name: 'leading zero', pattern: '{"a": [012]}', at: '012', message: 'invalid number' },
    { name: 'bare minus', pattern: '{"a": [-]}', at: '-', message: 'invalid number' },
    { name: 'data after the value', pattern: '{"a": ["x"]} {}', at: ' {}', message: 'after the JSON value' },
    { name: 'comments', pattern: '{"a": ["x"] /* c */}', at: '/', message: "expected ',' or '}'" },
    { name: 'misspelt literal', pattern: '{"a": [nul]}', at: 'nul', message: 'expected a JSON value' },
  ])('$name', (c) => expectRejected({ ...c, at: c.at === ' {}' ? c.pattern.indexOf(' {}') + 1 : c.at }));
});

describe('structure', () => {
  it.each<Rejection>([
    { name: 'a pattern that is not an object', pattern: '["a"]', at: 0, message: 'a filter pattern must be a JSON object' },
    { name: 'an empty pattern object', pattern: '{}', at: 0, message: 'empty objects are not allowed' },
    { name: 'an empty nested object', pattern: '{"body": {"a": {}}}', at: '{}', message: 'empty objects are not allowed' },
    { name: 'a bare string leaf', pattern: '{"body": {"status": "active"}}', at: '"active"', message: '"status" must be an object or an array; match values go in a list, e.g. "status": ["active"]' },
    { name: 'a bare number leaf', pattern: '{"Price": 100}', at: '100', message: '"Price" must be an object or an array' },
    { name: 'a bare null leaf', pattern: '{"UserID": null}', at: 'null', message: '"UserID" must be an object or an array' },
    { name: 'an empty value list', pattern: '{"a": []}', at: '[]', message: '"a": empty arrays are not allowed' },
    { name: 'a nested array in a value list', pattern: '{"a": ["x", [1]]}', at: '[1]', message: 'not an array' },
    { name: 'a pattern over 4,096 characters', pattern: `{"a": ["${'x'.repeat(4100)}"]}`, at: 4096, message: 'at most 4096 are allowed' },
  ])('$name', expectRejected);

  it('accepts a pattern of exactly 4,096 characters', () => {
    const pattern = `{"a": ["${'x'.repeat(4096 - 11)}"]}`;
    expect(pattern).toHaveLength(4096);
    expect(checkFilterCriteria({ filters: [{ pattern }] }, 'sqs')).toEqual([]);
  });
});

describe('operators', () => {
  it.each<Rejection>([
    { name: 'unknown operator with a suggestion', pattern: '{"body": {"a": [{"prefx": "x"}]}}', at: '"prefx"', message: 'unknown operator "prefx"; did you mean "prefix"?' },
    { name: 'unknown operator without a close match', pattern: '{"a": [{"regexp-match-all": "x"}]}', at: '"regexp', message: 'expected one of prefix, suffix' },
    { name: 'exactly is not a documented operator', pattern: '{"a": [{"exactly": "x"}]}', at: '"exactly"', message: 'unknown operator "exactly"' },
    { name: 'two operators in one object', pattern: '{"a": [{"prefix": "x", "suffix": "y"}]}', at: '"suffix"', message: 'only one operator is allowed per match object' },
    { name: 'an empty operator object', pattern: '{"a": [{}]}', at: '{}', message: 'empty operator object' },
    { name: 'prefix with a number', pattern: '{"a": [{"prefix": 1}]}', at: '1', message: '"prefix" match pattern must be a string' },
    { name: 'suffix with a list', pattern: '{"a": [{"suffix": [".png"]}]}', at: '[".png"]', message: '"suffix" match pattern must be a string' },
    { name: 'prefix with an unknown object', pattern: '{"a": [{"prefix": {"case": "x"}}]}', at: '"case"', message: '"prefix" takes a string or {"equals-ignore-case": "<string>"}' },
    { name: 'equals-ignore-case with a number', pattern: '{"a": [{"equals-ignore-case": 5}]}', at: '5', message: 'must be a string' },
    { name: 'exists with a string', pattern: '{"a": [{"exists": "true"}]}', at: '"true"', message: '"exists" must be true or false' },
    { name: 'anything-but null', pattern: '{"a": [{"anything-but": null}]}', at: 'null', message: '"anything-but" takes a string, a number' },
    { name: 'anything-but with a mixed list', pattern: '{"a": [{"anything-but": ["x", 1]}]}', at: '["x"', message: 'only strings or only numbers' },
    { name: 'anything-but with an empty list', pattern: '{"a": [{"anything-but": []}]}', at: '[]', message: 'must not be empty' },
    { name: 'anything-but with a boolean in its list', pattern: '{"a": [{"anything-but": ["x", true]}]}', at: 'true', message: 'strings or numbers' },
    { name: 'anything-but with an unknown object', pattern: '{"a": [{"anything-but": {"numeric": [">", 1]}}]}', at: '"numeric"', message: 'takes exactly one of prefix, suffix, equals-ignore-case, wildcard; found "numeric"' },
  ])('$name', expectRejected);
});

describe('numeric', () => {
  it.each<Rejection>([
    { name: 'not an array', pattern: '{"a": [{"numeric": ">"}]}', at: '">"', message: '"numeric" must be an array' },
    { name: 'an unknown comparison', pattern: '{"a": [{"numeric": ["!=", 1]}]}', at: '"!="', message: 'unknown numeric comparison "!="' },
    { name: 'a string value', pattern: '{"a": [{"numeric": [">", "1"]}]}', at: '"1"', message: 'the value of ">" must be a number' },
    { name: 'a missing value', pattern: '{"a": [{"numeric": ["<"]}]}', at: '["<"]', message: 'the value of "<" must be a number' },
    { name: 'a value above 5.0e9', pattern: '{"a": [{"numeric": ["<", 5000000001]}]}', at: '5000000001', message: 'outside the supported range -5.0e9 to 5.0e9' },
    { name: 'a value below -5.0e9', pattern: '{"a": [{"numeric": [">=", -6e9]}]}', at: '-6e9', message: 'outside the supported range' },
    { name: 'equals with a second comparison', pattern: '{"a": [{"numeric": ["=", 1, "<", 2]}]}', at: '"<"', message: 'too many elements in numeric expression' },
    { name: 'an upper bound first', pattern: '{"a": [{"numeric": ["<", 5, ">", 1]}]}', at: '">"', message: 'too many elements' },
    { name: 'two lower bounds', pattern: '{"a": [{"numeric": [">", 1, ">=", 2]}]}', at: '">="', message: 'bad numeric range operator ">="' },
    { name: 'three elements', pattern: '{"a": [{"numeric": [">", 1, "<"]}]}', at: '"<"', message: 'too many elements' },
    { name: 'an empty range', pattern: '{"a": [{"numeric": [">", 5, "<", 5]}]}', at: '[">"', message: 'lower bound 5 must be less than upper bound 5' },
    { name: 'an inverted range', pattern: '{"a": [{"numeric": [">=", 10, "<=", 0]}]}', at: '[">="', message: 'lower bound 10 must be less than upper bound 0' },
  ])('$name', expectRejected);

  it('accepts the limits themselves', () => {
    expect(checkFilterCriteria({ filters: [{ pattern: '{"a": [{"numeric": [">=", -5.0e9, "<=", 5.0e9]}]}' }] }, 'sqs')).toEqual([]);
  });
});

describe('$or', () => {
  const many = `{${Array.from({ length: 4 }, (_, g) => `"g${g}": {"$or": [${Array.from({ length: 6 }, (_, b) => `{"f${b}": [${b}]}`).join(', ')}]}`).join(', ')}}`;
  it.each<Rejection>([
    { name: 'not an array', pattern: '{"$or": {"a": ["x"]}}', at: '{"a"', message: '"$or" must be an array' },
    { name: 'a single branch', pattern: '{"$or": [{"a": ["x"]}]}', at: '[{', message: 'at least two pattern objects' },
    { name: 'a non-object branch', pattern: '{"$or": [{"a": ["x"]}, ["b"]]}', at: '["b"]', message: 'only JSON objects are allowed' },
    { name: 'an empty branch', pattern: '{"$or": [{"a": ["x"]}, {}]}', at: '{}', message: 'empty objects are not allowed' },
    { name: 'an operator name as a field inside $or', pattern: '{"$or": [{"numeric": [1]}, {"b": ["x"]}]}', at: '"numeric"', message: '"numeric" is a reserved operator name' },
    { name: 'a reserved name nested inside $or', pattern: '{"$or": [{"a": {"prefix": ["x"]}}, {"b": ["x"]}]}', at: '"prefix"', message: 'reserved operator name' },
    { name: 'more than 1,000 combinations', pattern: many, at: '"$or"', message: 'expand to 1296 combinations; at most 1000' },
  ])('$name', expectRejected);

  it('counts combinations as in the EventBridge guide (one $or of 3 and one of 2: 6)', () => {
    const pattern = '{"detail": {"$or": [{"a": [1]}, {"b": [2]}, {"c": [3]}]}, "$or": [{"d": [4]}, {"e": [5]}]}';
    expect(parsePattern(pattern, { source: 'sqs' }).problems).toEqual([]);
  });

  it('accepts operator names as field names outside $or', () => {
    expect(checkFilterCriteria({ filters: [{ pattern: '{"body": {"prefix": ["x"], "numeric": {"exists": [1]}}}' }] }, 'sqs')).toEqual([]);
  });
});

describe('data properties of streams must be JSON patterns', () => {
  it.each<Rejection>([
    { name: 'Kinesis data as a value list', pattern: '{"data": ["Hello"]}', at: '"data"', message: 'for Kinesis the pattern for "data" must be an object of data properties', source: 'kinesis' },
    { name: 'DynamoDB dynamodb as a value list', pattern: '{"dynamodb": [{"exists": true}]}', at: '"dynamodb"', message: 'for DynamoDB the pattern for "dynamodb"', source: 'dynamodb' },
    { name: 'Kinesis data in a top-level $or branch', pattern: '{"$or": [{"partitionKey": ["1"]}, {"data": ["x"]}]}', at: '"data"', message: 'for Kinesis', source: 'kinesis' },
  ])('$name', expectRejected);

  it('accepts a plain-string body pattern for SQS, and a nested "data" field for Kinesis', () => {
    expect(checkFilterCriteria({ filters: [{ pattern: '{"body": ["Hello"]}' }] }, 'sqs')).toEqual([]);
    expect(checkFilterCriteria({ filters: [{ pattern: '{"data": {"data": ["x"]}}' }] }, 'kinesis')).toEqual([]);
  });
});

// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax lists what Lambda accepts.
describe('EventBridge syntax Lambda does not accept', () => {
  it.each<Rejection>([
    { name: 'wildcard', pattern: '{"a": [{"wildcard": "*.png"}]}', at: '"wildcard"', message: 'The "wildcard" operator is EventBridge syntax that Lambda event filtering does not accept' },
    { name: 'cidr', pattern: '{"a": [{"cidr": "10.0.0.0/24"}]}', at: '"cidr"', message: 'The "cidr" operator is EventBridge syntax' },
    { name: 'anything-but prefix', pattern: '{"a": [{"anything-but": {"prefix": "us-"}}]}', at: '"anything-but"', message: '"anything-but" with "prefix" is EventBridge syntax' },
    { name: 'anything-but suffix', pattern: '{"a": [{"anything-but": {"suffix": ".png"}}]}', at: '"anything-but"', message: '"anything-but" with "suffix"' },
    { name: 'anything-but equals-ignore-case', pattern: '{"a": [{"anything-but": {"equals-ignore-case": "x"}}]}', at: '"anything-but"', message: '"anything-but" with "equals-ignore-case"' },
    { name: 'anything-but wildcard', pattern: '{"a": [{"anything-but": {"wildcard": "*/lib/*"}}]}', at: '"anything-but"', message: '"anything-but" with "wildcard"' },
    { name: 'prefix equals-ignore-case', pattern: '{"a": [{"prefix": {"equals-ignore-case": "eventb"}}]}', at: '"prefix"', message: '"prefix" with "equals-ignore-case"' },
    { name: 'suffix equals-ignore-case', pattern: '{"a": [{"suffix": {"equals-ignore-case": ".png"}}]}', at: '"suffix"', message: '"suffix" with "equals-ignore-case"' },
  ])('$name', expectRejected);

  it('accepts every operator in the Lambda table', () => {
    const pattern = JSON.stringify({
      UserID: [null],
      LastName: [''],
      Name: ['Alice', { 'equals-ignore-case': 'alice' }],
      PaymentType: ['Credit', 'Debit'],
      Weather: [{ 'anything-but': ['Raining'] }],
      Price: [{ numeric: ['=', 100] }, { numeric: ['>', 10, '<=', 20] }],
      ProductName: [{ exists: true }],
      Discount: [{ exists: false }],
      Region: [{ prefix: 'us-' }],
      FileName: [{ suffix: '.png' }],
      $or: [{ Location: ['New York'] }, { Day: ['Monday'] }],
    });
    expect(checkFilterCriteria({ filters: [{ pattern }] }, 'sqs')).toEqual([]);
  });
});

describe('EventBridge values checked in either dialect', () => {
  function eventBridgeProblems(pattern: string): readonly { offset: number; message: string }[] {
    return parsePattern(pattern, { source: 's3', dialect: 'eventbridge' }).problems;
  }
  it.each([
    { name: 'consecutive wildcards', pattern: '{"a": [{"wildcard": "a**b"}]}', at: '"a**b"', message: 'consecutive wildcard characters are not allowed' },
    { name: 'a backslash escaping a letter', pattern: '{"a": [{"wildcard": "a\\\\b"}]}', at: '"a\\', message: "a backslash may only escape '*' or '\\'" },
    { name: 'a CIDR without a slash', pattern: '{"a": [{"cidr": "10.0.0.0"}]}', at: '"10.0.0.0"', message: "exactly one '/' is required" },
    { name: 'an IPv4 mask of 32', pattern: '{"a": [{"cidr": "10.0.0.0/32"}]}', at: '"10.', message: 'IPv4 mask bits must be less than 32' },
    { name: 'a CIDR that is not an address', pattern: '{"a": [{"cidr": "example.com/8"}]}', at: '"example', message: 'is not an IP address' },
    { name: 'an empty anything-but prefix', pattern: '{"a": [{"anything-but": {"prefix": ""}}]}', at: '""', message: 'must not be empty' },
    { name: 'a number in an anything-but suffix list', pattern: '{"a": [{"anything-but": {"suffix": ["x", 1]}}]}', at: '1]', message: 'values must be strings' },
  ])('$name', ({ pattern, at, message }) => {
    expect(eventBridgeProblems(pattern)).toContainEqual({ offset: pattern.indexOf(at), message: expect.stringContaining(message) });
  });

  it('reports problems in every filter, each with its index, and several per pattern', () => {
    const problems = checkFilterCriteria(
      { filters: [{ pattern: '{"a": ["ok"]}' }, { pattern: '{"a": "x", "b": [{"exists": 1}]}' }, { pattern: '[' }] },
      'sqs',
    );
    expect(problems.map((p) => [p.filterIndex, p.offset])).toEqual([
      [1, 6],
      [1, 28],
      [2, 1],
    ]);
  });
});
