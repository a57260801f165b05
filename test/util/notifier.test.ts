import { describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/util/notifier.js';
import { flush } from '../support/fake-clock.js';

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
});
