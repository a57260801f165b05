import { describe, expect, it } from 'vitest';
import { timerFromSleep, type Clock } from '../../src/clock.js';
import { createScheduler } from '../../src/schedule/create-scheduler.js';
import { parseScheduleExpression } from '../../src/schedule/parse-schedule-expression.js';

interface Sleeper {
  readonly until: number;
  readonly resolve: () => void;
}

/** A clock the test drives: time moves only when the test says so, and sleeps end only then. */
function createFakeClock(startIso: string) {
  let now = Date.parse(startIso);
  let sleepers: Sleeper[] = [];
  let onSleep: (() => void) | undefined;
  /** Every duration the code under test asked to sleep, in order. */
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep(ms, signal) {
      sleeps.push(ms);
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const sleeper = { until: now + ms, resolve };
        sleepers.push(sleeper);
        signal?.addEventListener(
          'abort',
          () => {
            sleepers = sleepers.filter((s) => s !== sleeper);
            reject(signal.reason);
          },
          { once: true },
        );
        const waiter = onSleep;
        onSleep = undefined;
        waiter?.();
      });
    },
    timer: (ms, callback) => timerFromSleep(clock.sleep)(ms, callback),
  };
  return {
    clock,
    sleeps,
    iso: (): string => new Date(now).toISOString(),
    /** Resolves when the code under test is asleep on the clock. */
    asleep: (): Promise<void> =>
      sleepers.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => (onSleep = resolve)),
    /** Moves time forward and wakes every sleeper that is due. */
    advance(ms: number): void {
      now += ms;
      const due = sleepers.filter((s) => s.until <= now);
      sleepers = sleepers.filter((s) => s.until > now);
      for (const s of due) s.resolve();
    },
    /** Ends every sleep without moving time, as a timer that fires early would. */
    wakeEarly(): void {
      const all = sleepers;
      sleepers = [];
      for (const s of all) s.resolve();
    },
  };
}

/** Records ticks and lets the test await the next one. */
function createTickRecorder(fake: ReturnType<typeof createFakeClock>, work?: (fireTime: Date, index: number) => void | Promise<void>) {
  const ticks: { fireTime: string; firedAt: string }[] = [];
  let waiter: (() => void) | undefined;
  return {
    ticks,
    onTick: async (fireTime: Date): Promise<void> => {
      ticks.push({ fireTime: fireTime.toISOString(), firedAt: fake.iso() });
      const w = waiter;
      waiter = undefined;
      w?.();
      await work?.(fireTime, ticks.length - 1);
    },
    nextTick: (): Promise<void> => new Promise<void>((resolve) => (waiter = resolve)),
  };
}

describe('createScheduler', () => {
  it('waits for each boundary from clock.now(), so a slow onTick does not shift later ticks', async () => {
    const fake = createFakeClock('2025-01-01T10:00:30.000Z');
    const recorder = createTickRecorder(fake, (_t, i) => {
      if (i === 0) fake.advance(20_000); // the first tick takes 20 s
    });
    const controller = new AbortController();
    const scheduler = createScheduler({
      schedule: parseScheduleExpression('cron(* * * * ? *)'),
      clock: fake.clock,
      signal: controller.signal,
      onTick: recorder.onTick,
    });
    await fake.asleep();
    expect(fake.sleeps).toEqual([30_000]);
    fake.advance(30_000);
    await fake.asleep();
    // 10:01:20 now: 40 s to 10:02, not a full minute.
    expect(fake.sleeps).toEqual([30_000, 40_000]);
    fake.advance(40_000);
    await fake.asleep();
    controller.abort();
    await scheduler.done;
    expect(recorder.ticks).toEqual([
      { fireTime: '2025-01-01T10:01:00.000Z', firedAt: '2025-01-01T10:01:00.000Z' },
      { fireTime: '2025-01-01T10:02:00.000Z', firedAt: '2025-01-01T10:02:00.000Z' },
    ]);
  });

  it('fires once, for the latest boundary due, when busy past several boundaries', async () => {
    const fake = createFakeClock('2025-01-01T10:00:30.000Z');
    const recorder = createTickRecorder(fake, (_t, i) => {
      if (i === 0) fake.advance(210_000); // busy until 10:04:30, past 10:02, 10:03 and 10:04
    });
    const controller = new AbortController();
    const scheduler = createScheduler({
      schedule: parseScheduleExpression('cron(* * * * ? *)'),
      clock: fake.clock,
      signal: controller.signal,
      onTick: recorder.onTick,
    });
    await fake.asleep();
    fake.advance(30_000);
    await fake.asleep();
    expect(recorder.ticks.map((t) => t.fireTime)).toEqual(['2025-01-01T10:01:00.000Z', '2025-01-01T10:04:00.000Z']);
    expect(fake.sleeps).toEqual([30_000, 30_000]);
    fake.advance(30_000);
    await fake.asleep();
    controller.abort();
    await scheduler.done;
    expect(recorder.ticks.map((t) => t.fireTime)).toEqual([
      '2025-01-01T10:01:00.000Z',
      '2025-01-01T10:04:00.000Z',
      '2025-01-01T10:05:00.000Z',
    ]);
  });

  it('starts a rate without an anchor at once, then every period from the start', async () => {
    const fake = createFakeClock('2025-01-01T10:00:17.500Z');
    const recorder = createTickRecorder(fake);
    const controller = new AbortController();
    const scheduler = createScheduler({
      schedule: parseScheduleExpression('rate(5 minutes)'),
      clock: fake.clock,
      signal: controller.signal,
      onTick: recorder.onTick,
    });
    await fake.asleep();
    expect(recorder.ticks.map((t) => t.fireTime)).toEqual(['2025-01-01T10:00:17.500Z']);
    expect(fake.sleeps).toEqual([300_000]);
    fake.advance(300_000);
    await fake.asleep();
    controller.abort();
    await scheduler.done;
    expect(recorder.ticks.map((t) => t.fireTime)).toEqual(['2025-01-01T10:00:17.500Z', '2025-01-01T10:05:17.500Z']);
  });

  it('does not replay boundaries from before it started', async () => {
    const fake = createFakeClock('2025-01-01T10:00:00.000Z');
    const recorder = createTickRecorder(fake);
    const controller = new AbortController();
    const scheduler = createScheduler({
      schedule: parseScheduleExpression('rate(5 minutes)'),
      clock: fake.clock,
      signal: controller.signal,
      onTick: recorder.onTick,
      anchor: new Date('2025-01-01T08:58:00.000Z'), // 12 boundaries already passed
    });
    await fake.asleep();
    expect(fake.sleeps).toEqual([180_000]);
    const ticked = recorder.nextTick();
    fake.advance(180_000);
    await ticked;
    controller.abort();
    await scheduler.done;
    expect(recorder.ticks.map((t) => t.fireTime)).toEqual(['2025-01-01T10:03:00.000Z']);
  });

  it('fires a boundary that falls exactly at the start', async () => {
    const fake = createFakeClock('2025-01-01T10:00:00.000Z');
    const recorder = createTickRecorder(fake);
    const controller = new AbortController();
    const scheduler = createScheduler({
      schedule: parseScheduleExpression('cron(0/15 * * * ? *)'),
      clock: fake.clock,
      signal: controller.signal,
      onTick: recorder.onTick,
    });
    await fake.asleep();
    controller.abort();
    await scheduler.done;
    expect(recorder.ticks.map((t) => t.fireTime)).toEqual(['2025-01-01T10:00:00.000Z']);
    expect(fake.sleeps).toEqual([900_000]);
  });

  it('sleeps again when a sleep ends before the boundary', async () => {
    const fake = createFakeClock('2025-01-01T10:00:00.000Z');
    const recorder = createTickRecorder(fake);
    const controller = new AbortController();
    const scheduler = createScheduler({
      schedule: parseScheduleExpression('cron(30 10 * * ? *)'),
      clock: fake.clock,
      signal: controller.signal,
      onTick: recorder.onTick,
    });
    await fake.asleep();
    fake.advance(600_000);
    fake.wakeEarly();
    await fake.asleep();
    expect(recorder.ticks).toEqual([]);
    expect(fake.sleeps).toEqual([1_800_000, 1_200_000]);
    controller.abort();
    await scheduler.done;
  });

  it('ends after a one-time schedule fires, and at once for one in the past', async () => {
    const fake = createFakeClock('2025-01-01T10:00:00.000Z');
    const recorder = createTickRecorder(fake);
    const signal = new AbortController().signal;
    const future = createScheduler({
      schedule: parseScheduleExpression('at(2025-01-01T12:00:00)', 'Europe/Paris'),
      clock: fake.clock,
      signal,
      onTick: recorder.onTick,
    });
    await fake.asleep();
    fake.advance(3_600_000);
    await future.done;
    expect(recorder.ticks).toEqual([{ fireTime: '2025-01-01T11:00:00.000Z', firedAt: '2025-01-01T11:00:00.000Z' }]);

    const past = createScheduler({
      schedule: parseScheduleExpression('at(2024-01-01T00:00:00)'),
      clock: fake.clock,
      signal,
      onTick: recorder.onTick,
    });
    await past.done;
    expect(recorder.ticks).toHaveLength(1);
  });

  it('ends when a cron year range is over', async () => {
    const fake = createFakeClock('2025-01-01T10:00:00.000Z');
    const recorder = createTickRecorder(fake);
    const scheduler = createScheduler({
      schedule: parseScheduleExpression('cron(0 0 1 1 ? 2020-2024)'),
      clock: fake.clock,
      signal: new AbortController().signal,
      onTick: recorder.onTick,
    });
    await scheduler.done;
    expect(recorder.ticks).toEqual([]);
    expect(fake.sleeps).toEqual([]);
  });

  it('stops at once when aborted while asleep, and after the running onTick when aborted during it', async () => {
    const fake = createFakeClock('2025-01-01T10:00:30.000Z');
    const controller = new AbortController();
    let finishTick: (() => void) | undefined;
    const recorder = createTickRecorder(fake, () => new Promise<void>((resolve) => (finishTick = resolve)));
    const scheduler = createScheduler({
      schedule: parseScheduleExpression('cron(* * * * ? *)'),
      clock: fake.clock,
      signal: controller.signal,
      onTick: recorder.onTick,
    });
    await fake.asleep();
    const ticked = recorder.nextTick();
    fake.advance(30_000);
    await ticked;
    let done = false;
    void scheduler.done.then(() => (done = true));
    controller.abort();
    await Promise.resolve();
    expect(done).toBe(false); // still inside onTick
    finishTick?.();
    await scheduler.done;
    expect(recorder.ticks).toHaveLength(1);
    expect(fake.sleeps).toEqual([30_000]);

    const idle = createScheduler({
      schedule: parseScheduleExpression('cron(* * * * ? *)'),
      clock: fake.clock,
      signal: AbortSignal.abort(),
      onTick: recorder.onTick,
    });
    await idle.done;
    expect(recorder.ticks).toHaveLength(1);
  });

  it('rejects done with the error onTick throws', async () => {
    const fake = createFakeClock('2025-01-01T10:00:00.000Z');
    const boom = new Error('handler failed');
    const scheduler = createScheduler({
      schedule: parseScheduleExpression('rate(1 minute)'),
      clock: fake.clock,
      signal: new AbortController().signal,
      onTick: () => {
        throw boom;
      },
    });
    await expect(scheduler.done).rejects.toBe(boom);
  });
});
