import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/util/notifier.js';
import { createFakeClock, flush } from '../support/fake-clock.js';

describe('createNotifier', () => {
  it('wakes every waiter at the next notify, and only then', async () => {
    const notifier = createNotifier();
    let woken = 0;
    void notifier.wait().then(() => (woken += 1));
    void notifier.wait(new AbortController().signal).then(() => (woken += 1));
    await flush();
    expect(woken).toBe(0);
    notifier.notify();
    await flush();
    expect(woken).toBe(2);
    // A later wait needs a later notify.
    void notifier.wait().then(() => (woken += 1));
    await flush();
    expect(woken).toBe(2);
    notifier.notify();
    await flush();
    expect(woken).toBe(3);
  });

  it('an aborted (or already aborted) signal ends the wait', async () => {
    const notifier = createNotifier();
    const controller = new AbortController();
    const waiting = notifier.wait(controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
    await expect(notifier.wait(controller.signal)).resolves.toBeUndefined();
  });

  it('a timeout ends the wait, and a wait that ended leaves no listener on a long-lived signal', async () => {
    const notifier = createNotifier();
    const clock = createFakeClock(0);
    const intake = new AbortController();
    for (let i = 0; i < 100; i += 1) {
      const waiting = notifier.wait(intake.signal, { ms: 1_000, clock });
      await clock.advance(1_000);
      await expect(waiting).resolves.toBeUndefined();
    }
    expect(getEventListeners(intake.signal, 'abort')).toHaveLength(0);
    expect(clock.pending).toBe(0);
    // A notify before the timeout ends the wait and cancels its timer.
    const woken = notifier.wait(intake.signal, { ms: 1_000, clock });
    notifier.notify();
    await expect(woken).resolves.toBeUndefined();
    expect(clock.pending).toBe(0);
    expect(getEventListeners(intake.signal, 'abort')).toHaveLength(0);
  });
});

