import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { startSluice } from '../../src/runtime/sluice.js';
import { createFakeClock } from '../support/fake-clock.js';
import { makeMapping } from '../support/mapping.js';
import { ok, pushConfig, recordingInvoker } from './support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('schedule mappings (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html)', () => {
  it('fires a rate schedule on its boundaries with the exact Scheduled Event', async () => {
    const start = Date.UTC(2026, 0, 15, 9, 0, 0);
    const clock = createFakeClock(start);
    const invoker = recordingInvoker(() => ok());
    const mapping = makeMapping({
      name: 'nightly-report',
      maximumRetryAttempts: 2,
      source: { type: 'schedule', expression: 'rate(5 minutes)', timezone: 'UTC' },
    });
    const sluice = await startSluice({
      config: pushConfig([mapping]),
      logger: silentLogger,
      mode: 'run',
      env: {},
      clock,
      invokers: new Map([['fn', invoker]]),
    });
    // A rate schedule without a start date fires at once, then every period.
    await invoker.called(1);
    await clock.sleeping(1);
    await clock.advance(5 * 60_000 - 1);
    expect(invoker.calls).toHaveLength(1);
    await clock.advance(1);
    await invoker.called(2);
    await clock.sleeping(1);
    await clock.advance(5 * 60_000);
    await invoker.called(3);
    const expected = (minutes: number) => ({
      version: '0',
      id: expect.stringMatching(UUID),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: new Date(start + minutes * 60_000).toISOString().replace('.000Z', 'Z'),
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/nightly-report'],
      detail: {},
    });
    expect(invoker.calls).toEqual([expected(0), expected(5), expected(10)]);
    const ids = new Set(invoker.calls.map((e) => (e as { id: string }).id));
    expect(ids.size).toBe(3);
    await sluice.shutdown(1_000);
    expect(sluice.mappings[0]?.stats).toMatchObject({ records: 3, invocations: 3, processed: 3 });
  });

  it('ends an at() schedule after its single fire time, and a past one at once (missed ticks are not replayed)', async () => {
    const clock = createFakeClock(Date.UTC(2026, 0, 15, 9, 0, 0));
    const invoker = recordingInvoker(() => ok());
    const sluice = await startSluice({
      config: pushConfig([
        makeMapping({ name: 'once', maximumRetryAttempts: 2, source: { type: 'schedule', expression: 'at(2026-01-15T09:30:00)', timezone: 'UTC' } }),
        makeMapping({ name: 'missed', maximumRetryAttempts: 2, source: { type: 'schedule', expression: 'at(2026-01-15T08:00:00)', timezone: 'UTC' } }),
      ]),
      logger: silentLogger,
      mode: 'run',
      env: {},
      clock,
      invokers: new Map([['fn', invoker]]),
    });
    await clock.run(sluice.done);
    expect(invoker.calls).toEqual([expect.objectContaining({ time: '2026-01-15T09:30:00Z', resources: ['arn:aws:events:us-east-1:000000000000:rule/once'] })]);
  });
});
