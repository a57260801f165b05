/**
 * ARN helpers the normalizers and sample builders share: the partition of a
 * region, and the ARNs of the resources whose events sluice delivers.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */

/**
 * The ARN partition a region belongs to: `aws-cn` for `cn-*`, `aws-us-gov` for
 * `us-gov-*`, `aws-iso` / `aws-iso-b` for the isolated regions, else `aws`.
 *
 * @example
 * ```json
 * ["us-east-1 -> aws", "cn-north-1 -> aws-cn", "us-gov-west-1 -> aws-us-gov"]
 * ```
 * @see https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
 */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/** True when `value` looks like an ARN (`arn:<partition>:<service>:...`). */
export function isArn(value: string): boolean {
  return /^arn:[a-z-]+:[a-z0-9-]+:/.test(value);
}

/**
 * A Kinesis stream ARN from a name (an ARN is returned unchanged).
 *
 * @example
 * ```json
 * "arn:aws:kinesis:us-east-1:000000000000:stream/orders"
 * ```
 * @see https://docs.aws.amazon.com/streams/latest/dev/controlling-access.html#kinesis-using-iam-arn-format
 */
export function kinesisStreamArn(streamNameOrArn: string, region: string, account: string): string {
  if (isArn(streamNameOrArn)) return streamNameOrArn;
  return `arn:${partitionOf(region)}:kinesis:${region}:${account}:stream/${streamNameOrArn}`;
}

/**
 * A DynamoDB stream ARN from a table name and the stream label (the stream's
 * creation time, e.g. `2024-01-01T00:00:00.000`).
 *
 * @example
 * ```json
 * "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2024-01-01T00:00:00.000"
 * ```
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html
 */
export function dynamodbStreamArn(table: string, streamLabel: string, region: string, account: string): string {
  return `arn:${partitionOf(region)}:dynamodb:${region}:${account}:table/${table}/stream/${streamLabel}`;
}

/**
 * An SNS topic ARN from a name (an ARN is returned unchanged).
 *
 * @example
 * ```json
 * "arn:aws:sns:us-east-1:000000000000:alerts"
 * ```
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-using-identity-based-policies.html
 */
export function snsTopicArn(topicNameOrArn: string, region: string, account: string): string {
  if (isArn(topicNameOrArn)) return topicNameOrArn;
  return `arn:${partitionOf(region)}:sns:${region}:${account}:${topicNameOrArn}`;
}

/**
 * An EventBridge rule ARN from a rule name (an ARN is returned unchanged).
 *
 * @example
 * ```json
 * "arn:aws:events:us-east-1:000000000000:rule/nightly"
 * ```
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html
 */
export function eventsRuleArn(ruleNameOrArn: string, region: string, account: string): string {
  if (isArn(ruleNameOrArn)) return ruleNameOrArn;
  return `arn:${partitionOf(region)}:events:${region}:${account}:rule/${ruleNameOrArn}`;
}
