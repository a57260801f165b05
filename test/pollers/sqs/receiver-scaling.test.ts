import { describe, expect, it } from 'vitest';
import { createReceiverScaling, DEFAULT_MAXIMUM_CONCURRENCY, SCALE_DOWN_AFTER_IDLE_MS } from '../../../pollers/sqs/receiver-scaling.js';
import { captureLogger } from './sqs-kit.js';

function scaling(maximumConcurrency: number) {
  let now = 0;
  const logs = captureLogger();
  const s = createReceiverScaling({ maximumConcurrency, logger: logs.logger, clock: { now: () => now } });
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
