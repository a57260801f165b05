import { describe, expect, it } from 'vitest';
import {
  createReceiverScaling,
  DEFAULT_MAXIMUM_CONCURRENCY,
  receiverScalingSettings,
  SCALE_DOWN_AFTER_IDLE_MS,
  type ReceiverScalingSettings,
} from '../../../pollers/sqs/receiver-scaling.js';
import { captureLogger } from './sqs-kit.js';

function scaling(settings: number | ReceiverScalingSettings) {
  let now = 0;
  const logs = captureLogger();
  const s = createReceiverScaling({
    ...(typeof settings === 'number' ? { maximumConcurrency: settings } : settings),
    logger: logs.logger,
    clock: { now: () => now },
  });
  return { s, logs, advance: (ms: number) => (now += ms) };
}

describe('createReceiverScaling (services-sqs-scaling)', () => {
  it('idles with one loop, starts five as soon as messages arrive, as Lambda does', () => {
    const { s } = scaling(10);
    expect(s.active).toBe(1);
    expect(s.onMessages(false)).toBe(4);
    expect(s.active).toBe(5);
    expect(s.onMessages(false)).toBe(0);
  });

  it('adds one loop per full receive up to maximumConcurrency, logging each decision once', () => {
    const { s, logs } = scaling(7);
    s.onMessages(true);
    expect([s.onMessages(true), s.onMessages(true), s.onMessages(true)]).toEqual([1, 1, 0]);
    expect(s.target).toBe(7);
    expect(logs.lines().map((l) => l['receivers'])).toEqual([5, 6, 7]);
  });

  it.each([
    [2, 2],
    [3, 3],
    [1000, 5],
  ])('maximumConcurrency %i caps the first step at %i', (max, first) => {
    const { s } = scaling(max);
    s.onMessages(false);
    expect(s.active).toBe(first);
  });

  it('scales back to one loop after an idle period, one decision, loops leaving at their empty polls', () => {
    const { s, logs, advance } = scaling(10);
    s.onMessages(true);
    s.onMessages(true);
    expect(s.onEmpty()).toBe(false);
    advance(SCALE_DOWN_AFTER_IDLE_MS);
    const retired = Array.from({ length: 6 }, () => s.onEmpty());
    expect(retired).toEqual([true, true, true, true, true, false]);
    expect(s.active).toBe(1);
    expect(logs.lines().filter((l) => l['reason'] === 'queue empty')).toHaveLength(1);
  });

  it('a loop that ends on its own is no longer counted', () => {
    const { s } = scaling(10);
    s.onMessages(false);
    s.onExit();
    expect(s.active).toBe(4);
    expect(s.onMessages(false)).toBe(1);
  });

  it('defaults to Lambda’s first step of five concurrent batches', () => {
    expect(DEFAULT_MAXIMUM_CONCURRENCY).toBe(5);
  });
});

describe('receiverScalingSettings (services-sqs-scaling: maximum concurrency or provisioned mode)', () => {
  it('standard mode: one idle loop, capped by scalingConfig.maximumConcurrency or the local default of five', () => {
    expect(receiverScalingSettings({})).toEqual({ maximumConcurrency: 5 });
    expect(receiverScalingSettings({ scalingConfig: { maximumConcurrency: 40 } })).toEqual({ maximumConcurrency: 40 });
  });

  it('provisioned mode: minimumPollers loops always polling, 10 concurrent batches per poller (services-sqs-parameters), three times the growth', () => {
    expect(receiverScalingSettings({ provisionedPollerConfig: { minimumPollers: 3, maximumPollers: 4 } })).toEqual({
      maximumConcurrency: 40,
      idle: 3,
      step: 3,
    });
  });

  it('provisioned mode without maximumPollers: the minimum pollers’ 10 batches each, not AWS’s default of 200 pollers', () => {
    expect(receiverScalingSettings({ provisionedPollerConfig: { minimumPollers: 2 } }).maximumConcurrency).toBe(20);
  });

  it('provisioned scaling: idles at minimumPollers, starts five on messages, grows by three per full receive, scales back to the minimum', () => {
    const { s, logs, advance } = scaling(receiverScalingSettings({ provisionedPollerConfig: { minimumPollers: 2, maximumPollers: 2 } }));
    expect(s.active).toBe(2);
    expect(s.onMessages(false)).toBe(3);
    expect([s.onMessages(true), s.onMessages(true), s.onMessages(true), s.onMessages(true), s.onMessages(true), s.onMessages(true)]).toEqual([3, 3, 3, 3, 3, 0]);
    expect(s.active).toBe(20);
    expect(logs.lines().map((l) => l['receivers'])).toEqual([5, 8, 11, 14, 17, 20]);
    advance(SCALE_DOWN_AFTER_IDLE_MS);
    const retired = Array.from({ length: 19 }, () => s.onEmpty());
    expect(retired.filter(Boolean)).toHaveLength(18);
    expect(s.active).toBe(2);
  });

  it('provisioned scaling with more minimum pollers than Lambda’s first step starts no extra loops on messages', () => {
    const { s } = scaling(receiverScalingSettings({ provisionedPollerConfig: { minimumPollers: 8 } }));
    expect(s.active).toBe(8);
    expect(s.onMessages(false)).toBe(0);
    expect(s.onMessages(true)).toBe(3);
  });
});
