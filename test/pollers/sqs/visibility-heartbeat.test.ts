import { describe, expect, it } from 'vitest';
import type { QueuePort } from '../../../pollers/sqs/queue-port.js';
import { createHeartbeatLog, startVisibilityHeartbeat } from '../../../pollers/sqs/visibility-heartbeat.js';
import { silentLogger } from '../../../src/log.js';
import type { PipelineRecord } from '../../../src/records.js';
import { createFakeClock } from '../../support/fake-clock.js';
import { captureLogger } from './sqs-kit.js';

const rec = (id: string): PipelineRecord => ({ source: 'sqs', itemIdentifier: id, event: {}, sizeBytes: 1, arrivalTime: 0, receiptHandle: id });

function port(visibilityTimeoutSeconds: number | undefined, extensions: { at: number; ids: string[]; seconds: number }[], now: () => number): QueuePort {
  return {
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:q',
    fifo: false,
    finite: false,
    ...(visibilityTimeoutSeconds === undefined ? {} : { visibilityTimeoutSeconds }),
    receive: async () => [],
    delete: async () => undefined,
    settleFailed: async () => undefined,
    release: async () => undefined,
    async extendVisibility(records, seconds) {
      extensions.push({ at: now(), ids: records.map((r) => r.itemIdentifier), seconds });
    },
    exhausted: () => false,
  };
}

describe('startVisibilityHeartbeat (services-sqs-configure)', () => {
  it('extends every half visibility timeout by a full timeout, until stopped', async () => {
    const clock = createFakeClock(0);
    const extensions: { at: number; ids: string[]; seconds: number }[] = [];
    const heartbeat = startVisibilityHeartbeat({ queue: port(30, extensions, clock.now), clock, logger: silentLogger, signal: new AbortController().signal });
    heartbeat.add([rec('a')]);
    await clock.advance(15_000);
    heartbeat.add([rec('b')]);
    await clock.advance(15_000);
    heartbeat.stop();
    await clock.advance(60_000);
    expect(extensions).toEqual([
      { at: 15_000, ids: ['a'], seconds: 30 },
      { at: 30_000, ids: ['a', 'b'], seconds: 30 },
    ]);
  });

  it('no longer extends messages removed from the batch (released to the queue)', async () => {
    const clock = createFakeClock(0);
    const extensions: { at: number; ids: string[]; seconds: number }[] = [];
    const heartbeat = startVisibilityHeartbeat({ queue: port(30, extensions, clock.now), clock, logger: silentLogger, signal: new AbortController().signal });
    const [a, b] = [rec('a'), rec('b')];
    heartbeat.add([a, b]);
    await clock.advance(15_000);
    heartbeat.remove([a]);
    await clock.advance(15_000);
    heartbeat.remove([b]);
    await clock.advance(15_000);
    heartbeat.stop();
    expect(extensions).toEqual([
      { at: 15_000, ids: ['a', 'b'], seconds: 30 },
      { at: 30_000, ids: ['b'], seconds: 30 },
    ]);
  });

  it.each([[undefined], [0]])('does nothing when the visibility timeout is %s', async (timeout) => {
    const clock = createFakeClock(0);
    const extensions: { at: number; ids: string[]; seconds: number }[] = [];
    const heartbeat = startVisibilityHeartbeat({ queue: port(timeout, extensions, clock.now), clock, logger: silentLogger, signal: new AbortController().signal });
    heartbeat.add([rec('a')]);
    expect(clock.pending).toBe(0);
    heartbeat.stop();
  });

  it('stops when the consumer aborts', async () => {
    const clock = createFakeClock(0);
    const extensions: { at: number; ids: string[]; seconds: number }[] = [];
    const abort = new AbortController();
    const heartbeat = startVisibilityHeartbeat({ queue: port(10, extensions, clock.now), clock, logger: silentLogger, signal: abort.signal });
    heartbeat.add([rec('a')]);
    abort.abort();
    await clock.advance(60_000);
    expect(extensions).toEqual([]);
  });

  it('logs failing heartbeats of every loop once per outage, and once more when one succeeds again', async () => {
    const clock = createFakeClock(0);
    const logs = captureLogger();
    let down = true;
    const extensions: { at: number; ids: string[]; seconds: number }[] = [];
    const queue = port(10, extensions, clock.now);
    const flaky: QueuePort = {
      ...queue,
      async extendVisibility(records, seconds, signal) {
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:4566');
        await queue.extendVisibility?.(records, seconds, signal);
      },
    };
    const log = createHeartbeatLog(logs.logger);
    const loops = ['a', 'b', 'c'].map((id) => {
      const heartbeat = startVisibilityHeartbeat({ queue: flaky, clock, logger: logs.logger, log, signal: new AbortController().signal });
      heartbeat.add([rec(id)]);
      return heartbeat;
    });
    // Four beats of three loops fail: one warning.
    await clock.advance(20_000);
    down = false;
    await clock.advance(5_000);
    down = true;
    await clock.advance(5_000);
    for (const heartbeat of loops) heartbeat.stop();
    expect(logs.lines().map((l) => [l['level'], l['msg'], l['failedBeats']])).toEqual([
      [40, 'visibility heartbeat failing; messages may be received again (said once until a heartbeat succeeds)', undefined],
      [30, 'visibility heartbeat succeeds again', 12],
      [40, 'visibility heartbeat failing; messages may be received again (said once until a heartbeat succeeds)', undefined],
    ]);
    expect(extensions.map((e) => e.ids)).toEqual([['a'], ['b'], ['c']]);
  });
});
