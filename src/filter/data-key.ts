import type { SourceType } from '../config/types.js';

/**
 * The key under which each source's data properties sit in a filter pattern: `body`
 * (SQS), `data` (Kinesis), `dynamodb` (DynamoDB). Other sources have none.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-basics
 */
export function dataKeyOf(source: SourceType): string | undefined {
  switch (source) {
    case 'sqs':
      return 'body';
    case 'kinesis':
      return 'data';
    case 'dynamodb':
      return 'dynamodb';
    default:
      return undefined;
  }
}
