import { describe, expect, it } from 'vitest';
import { createCheckpointWriter } from '../../../pollers/streams/checkpoint-writer.js';
import { SluiceError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import type { CheckpointStore, Lease } from '../../../src/state/checkpoint-store.js';
import { createMemoryCheckpointStore } from '../../../src/state/memory-checkpoint-store.js';
import { gate } from './consumer-harness.js';

const KEY = { mapping: 'm', streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', shardId: 'shardId-000000000000' };

/** A store whose writes each wait for `release()`, and can be told to fail. */
async function heldStore(): Promise<{ store: CheckpointStore; lease: Lease; writes: string[]; release(): void; failNext(): void }> {
  const inner = createMemoryCheckpointStore();
  const lease = await inner.acquireLease(KEY, 'me');
  const writes: string[] = [];
  let current = gate();
  let fail = false;
  return {
    lease,
    writes,
    release() {
      const opened = current;
      current = gate();
      opened.open();
    },
    failNext: () => (fail = true),
    store: {
      ...inner,
      async checkpoint(l, value) {
        await current.promise;
        if (fail) throw new SluiceError('LeaseLost', 'taken over');
        writes.push(value);
        await inner.checkpoint(l, value);
      },
    },
  };
}

describe('createCheckpointWriter', () => {
  it('writes one checkpoint at a time, and of the positions queued meanwhile only the furthest', async () => {
    const held = await heldStore();
    const saved: string[] = [];
    const writer = createCheckpointWriter({ ...held, logger: silentLogger, onSaved: (p) => saved.push(p), onFailure: () => undefined, halted: () => false });
    writer.save('1');
    expect(writer.busy).toBe(true);
    writer.save('2');
    writer.save('3');
    held.release();
    await new Promise((resolve) => setImmediate(resolve));
    held.release();
    await writer.saved();
    expect(held.writes).toEqual(['1', '3']);
    expect(saved).toEqual(['1', '3']);
    expect(writer.busy).toBe(false);
  });

  it('stops writing after a failed write, and reports the failure once', async () => {
    const held = await heldStore();
    const failures: unknown[] = [];
    const writer = createCheckpointWriter({ ...held, logger: silentLogger, onFailure: (e) => failures.push(e), halted: () => false });
    held.failNext();
    writer.save('1');
    writer.save('2');
    held.release();
    await writer.saved();
    writer.save('3');
    await new Promise((resolve) => setImmediate(resolve));
    held.release();
    await writer.saved();
    expect(held.writes).toEqual([]);
    expect(failures).toHaveLength(1);
    expect((failures[0] as SluiceError).code).toBe('LeaseLost');
  });

  it('writes nothing once the shard consumer has halted', async () => {
    const held = await heldStore();
    let halted = false;
    const writer = createCheckpointWriter({ ...held, logger: silentLogger, onFailure: () => undefined, halted: () => halted });
    writer.save('1');
    writer.save('2');
    halted = true;
    held.release();
    await writer.saved();
    expect(held.writes).toEqual(['1']);
  });
});
