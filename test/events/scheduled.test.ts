import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { eventsRuleArn } from '../../src/events/arn.js';
import { isoSeconds, scheduledEvent, type ScheduledEventDetail } from '../../src/events/scheduled.js';
import { expectExactJson, expectPowertoolsAccepts, fixture } from './shape.js';

const input = {
  id: 'cdc73f9d-aea9-11e3-9d5a-835b769c0d9c',
  time: new Date('2024-01-01T00:00:00.987Z'),
  account: '111122223333',
  region: 'us-east-2',
  ruleArn: eventsRuleArn('nightly', 'us-east-2', '111122223333'),
};

describe('scheduledEvent (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html)', () => {
  it('is exactly the documented Scheduled Event, time without milliseconds', () => {
    expectExactJson(scheduledEvent(input), fixture('scheduled.json'));
  });

  it('is accepted by the Powertools EventBridge schema with no unknown key', () => {
    expectPowertoolsAccepts(EventBridgeSchema, scheduledEvent(input));
  });

  it('is typed as @types/aws-lambda ScheduledEvent', () => {
    expectTypeOf(scheduledEvent).returns.toEqualTypeOf<ScheduledEvent<ScheduledEventDetail>>();
    expectTypeOf(scheduledEvent).returns.toExtend<ScheduledEvent>();
  });

  it.each([
    ['2015-10-08T16:53:06.000Z', '2015-10-08T16:53:06Z'],
    ['2015-10-08T16:53:06.999Z', '2015-10-08T16:53:06Z'],
    ['1999-12-31T23:59:59.5+02:00', '1999-12-31T21:59:59Z'],
  ])('writes %s as %s', (time, expected) => {
    expect(isoSeconds(new Date(time))).toBe(expected);
  });

  it('rejects an invalid time', () => {
    expect(() => scheduledEvent({ ...input, time: new Date(Number.NaN) })).toThrow(expect.objectContaining({ code: 'MalformedRecord' }));
  });
});
