import type { ScheduledEvent } from 'aws-lambda';
import { SluiceError } from '../errors.js';

export interface ScheduledEventInput {
  /** The event id (a UUID). */
  readonly id: string;
  /** When the schedule fired; sent with second precision. */
  readonly time: Date;
  readonly account: string;
  readonly region: string;
  /** The rule's ARN (see `eventsRuleArn`). */
  readonly ruleArn: string;
}

/** The Scheduled Event's `detail`: always empty. */
export type ScheduledEventDetail = Record<string, never>;

/**
 * The EventBridge "Scheduled Event" Lambda receives when a schedule fires.
 * `time` is ISO 8601 in UTC without milliseconds, and `detail` is `{}`.
 *
 * @example
 * ```json
 * {
 *   "version": "0",
 *   "id": "fae0433b-7a0e-e383-7849-7e10153eaa47",
 *   "detail-type": "Scheduled Event",
 *   "source": "aws.events",
 *   "account": "123456789012",
 *   "time": "2020-09-30T15:58:34Z",
 *   "region": "eu-central-1",
 *   "resources": ["arn:aws:events:eu-central-1:123456789012:rule/demoschedule"],
 *   "detail": {}
 * }
 * ```
 * @throws SluiceError `MalformedRecord` when `time` is not a valid date.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-eventbridge-scheduler.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
 */
export function scheduledEvent(input: ScheduledEventInput): ScheduledEvent<ScheduledEventDetail> {
  return {
    version: '0',
    id: input.id,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: input.account,
    time: isoSeconds(input.time),
    region: input.region,
    resources: [input.ruleArn],
    detail: {},
  };
}

/**
 * ISO 8601 UTC time with second precision, as EventBridge writes `time`.
 *
 * @example
 * ```json
 * { "date": "2015-10-08T16:53:06.789Z", "time": "2015-10-08T16:53:06Z" }
 * ```
 */
export function isoSeconds(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new SluiceError('MalformedRecord', 'scheduled event time is not a valid date');
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
