import { describe, expect, it } from 'vitest';
import { createReceiveGate, RELEASE_QUIET_MS } from '../../../pollers/sqs/receive-gate.js';
import { createFakeClock, flush } from '../../support/fake-clock.js';

describe('createReceiveGate', () => {
  it('keeps long polls open after stop while a release runs, and cuts them once it has been quiet', async () => {
    const clock = createFakeClock(0);
    const stop = new AbortController();
    const gate = createReceiveGate({ stop: stop.signal, abort: new AbortController().signal, clock });
    let finishRelease!: () => void;
    const release = gate.busy(() => new Promise<void>((resolve) => (finishRelease = resolve)));
    stop.abort();
    await clock.advance(RELEASE_QUIET_MS * 10);
    expect(gate.signal.aborted).toBe(false);
    finishRelease();
    await release;
    await clock.advance(RELEASE_QUIET_MS - 1);
    expect(gate.signal.aborted).toBe(false);
    await clock.advance(1);
    expect(gate.signal.aborted).toBe(true);
    gate.close();
  });

  it('new work during the quiet period restarts it', async () => {
    const clock = createFakeClock(0);
    const stop = new AbortController();
    const gate = createReceiveGate({ stop: stop.signal, abort: new AbortController().signal, clock });
    stop.abort();
    await clock.advance(RELEASE_QUIET_MS / 2);
    await gate.busy(async () => undefined);
    await clock.advance(RELEASE_QUIET_MS / 2 + 1);
    expect(gate.signal.aborted).toBe(false);
    await clock.advance(RELEASE_QUIET_MS);
    expect(gate.signal.aborted).toBe(true);
    gate.close();
  });

  it('never cuts before stop, and cuts at once on abort', async () => {
    const clock = createFakeClock(0);
    const abort = new AbortController();
    const gate = createReceiveGate({ stop: new AbortController().signal, abort: abort.signal, clock });
    await clock.advance(RELEASE_QUIET_MS * 10);
    expect(gate.signal.aborted).toBe(false);
    abort.abort();
    await flush();
    expect(gate.signal.aborted).toBe(true);
    gate.close();
  });
});
