import { describe, expect, it } from 'vitest';
import { systemClock, timerFromSleep } from '../src/clock.js';
import { createFakeClock } from './support/fake-clock.js';

describe('clock.timer', () => {
  it('systemClock: calls back after the time, and not at all once cancelled', async () => {
    const fired: string[] = [];
    systemClock.timer(5, () => fired.push('kept'));
    const cancel = systemClock.timer(5, () => fired.push('cancelled'));
    cancel();
    await systemClock.sleep(50);
    expect(fired).toEqual(['kept']);
  });

  it('timerFromSleep: the same, on a clock that only sleeps', async () => {
    const clock = createFakeClock();
    const timer = timerFromSleep(clock.sleep);
    const fired: string[] = [];
    timer(1_000, () => fired.push('kept'));
    const cancel = timer(1_000, () => fired.push('cancelled'));
    await clock.advance(999);
    expect(fired).toEqual([]);
    cancel();
    await clock.advance(1);
    expect(fired).toEqual(['kept']);
    expect(clock.pending).toBe(0);
  });
});
