import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SHARD_END, type CheckpointStore } from '../../src/state/checkpoint-store.js';
import { createFileCheckpointStore } from '../../src/state/file-checkpoint-store.js';
import { createMemoryCheckpointStore } from '../../src/state/memory-checkpoint-store.js';

const STREAM = 'arn:aws:kinesis:us-east-1:000000000000:stream/clicks';
const OTHER_STREAM = 'arn:aws:kinesis:us-east-1:000000000000:stream/other';
const key = (shardId: string, mapping = 'clicks', streamArn = STREAM) => ({ mapping, streamArn, shardId });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stores: [string, () => CheckpointStore][] = [
  ['memory', () => createMemoryCheckpointStore()],
  ['file', () => createFileCheckpointStore(dir)],
];

describe.each(stores)('%s checkpoint store (the CheckpointStore contract)', (_name, make) => {
  it('has no checkpoint for a new shard, keeps the last one written, and keeps it across lease changes', async () => {
    const store = make();
    expect(await store.getCheckpoint(key('s0'))).toBeUndefined();
    const lease = await store.acquireLease(key('s0'), 'w1');
    await store.checkpoint(lease, '100');
    await store.checkpoint(lease, '200');
    expect(await store.getCheckpoint(key('s0'))).toBe('200');
    await store.releaseLease(lease);
    expect(await store.getCheckpoint(key('s0'))).toBe('200');
    const again = await store.acquireLease(key('s0'), 'w2');
    expect(again.counter).toBeGreaterThan(lease.counter);
    await store.checkpoint(again, SHARD_END);
    expect(await store.getCheckpoint(key('s0'))).toBe(SHARD_END);
  });

  it('fences: a writer whose lease another owner acquired since gets LeaseLost and moves nothing', async () => {
    const store = make();
    const first = await store.acquireLease(key('s0'), 'w1');
    await store.checkpoint(first, '100');
    const second = await store.acquireLease(key('s0'), 'w2');
    await expect(store.checkpoint(first, '150')).rejects.toMatchObject({ code: 'LeaseLost' });
    await store.checkpoint(second, '300');
    await expect(store.checkpoint(first, '400')).rejects.toMatchObject({ code: 'LeaseLost' });
    expect(await store.getCheckpoint(key('s0'))).toBe('300');
    // A stale release does not free the new holder's lease.
    await store.releaseLease(first);
    await store.checkpoint(second, '500');
    expect(await store.getCheckpoint(key('s0'))).toBe('500');
  });

  it('a released lease can no longer checkpoint', async () => {
    const store = make();
    const lease = await store.acquireLease(key('s0'), 'w1');
    await store.releaseLease(lease);
    await expect(store.checkpoint(lease, '1')).rejects.toMatchObject({ code: 'LeaseLost' });
  });

  it('listCheckpoints lists a mapping’s shards on one stream only; mappings on one stream are independent', async () => {
    const store = make();
    const a0 = await store.acquireLease(key('s0', 'a'), 'w');
    const a1 = await store.acquireLease(key('s1', 'a'), 'w');
    const b0 = await store.acquireLease(key('s0', 'b'), 'w');
    const aOther = await store.acquireLease(key('s0', 'a', OTHER_STREAM), 'w');
    await store.acquireLease(key('s2', 'a'), 'w'); // leased, never checkpointed
    await store.checkpoint(a0, '10');
    await store.checkpoint(a1, SHARD_END);
    await store.checkpoint(b0, '99');
    await store.checkpoint(aOther, '7');
    expect(Object.fromEntries(await store.listCheckpoints('a', STREAM))).toEqual({ s0: '10', s1: SHARD_END });
    expect(Object.fromEntries(await store.listCheckpoints('b', STREAM))).toEqual({ s0: '99' });
    expect(Object.fromEntries(await store.listCheckpoints('a', OTHER_STREAM))).toEqual({ s0: '7' });
    expect(Object.fromEntries(await store.listCheckpoints('c', STREAM))).toEqual({});
    // b's lease on s0 does not fence a's.
    await store.acquireLease(key('s0', 'b'), 'w2');
    await store.checkpoint(a0, '11');
    expect(await store.getCheckpoint(key('s0', 'a'))).toBe('11');
  });

  it('concurrent checkpoints of one lease end with the last value written', async () => {
    const store = make();
    const lease = await store.acquireLease(key('s0'), 'w1');
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.checkpoint(lease, String(i))));
    expect(await store.getCheckpoint(key('s0'))).toBe('49');
  });
});

describe('file checkpoint store', () => {
  const fileOf = (mapping: string) => join(dir, 'checkpoints', `${encodeURIComponent(mapping)}.json`);

  it('writes never leave a mapping without a whole slot: concurrent checkpoints of many shards, read meanwhile, end with every last value and no temporary files', async () => {
    const store = createFileCheckpointStore(dir);
    const leases = await Promise.all(Array.from({ length: 8 }, (_, s) => store.acquireLease(key(`s${s}`), 'w1')));
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 40; i += 1) for (const lease of leases) writes.push(store.checkpoint(lease, `${lease.key.shardId}-${i}`));
    // Read the slots while writes are in flight: at every moment at least one of them is whole.
    const parses = async (path: string): Promise<boolean> => {
      try {
        return typeof JSON.parse(await readFile(path, 'utf8')) === 'object';
      } catch {
        return false;
      }
    };
    const samples: Promise<boolean>[] = [];
    for (let i = 0; i < 20; i += 1) {
      samples.push((async () => (await parses(fileOf('clicks'))) || (await parses(`${fileOf('clicks')}.alt`)))());
    }
    await Promise.all(writes);
    expect(await Promise.all(samples)).not.toContain(false);
    const restarted = createFileCheckpointStore(dir);
    for (let s = 0; s < 8; s += 1) expect(await restarted.getCheckpoint(key(`s${s}`))).toBe(`s${s}-39`);
    expect((await readdir(join(dir, 'checkpoints'))).sort()).toEqual(['clicks.json', 'clicks.json.alt']);
  });

  it('writes alternate between two slots, so a torn write (a crash mid-write) is passed over for the previous checkpoint', async () => {
    const store = createFileCheckpointStore(dir);
    const lease = await store.acquireLease(key('s0'), 'w1');
    await store.checkpoint(lease, '1');
    await store.checkpoint(lease, '2');
    const slots = [fileOf('clicks'), `${fileOf('clicks')}.alt`];
    const texts = await Promise.all(slots.map((path) => readFile(path, 'utf8')));
    const newest = texts.findIndex((text) => text.includes('"checkpoint": "2"'));
    expect(newest, 'the last checkpoint is in one slot, the one before in the other').toBeGreaterThanOrEqual(0);
    expect(texts[1 - newest]).toContain('"checkpoint": "1"');
    // A crash in the middle of the last write: that slot holds half a file.
    await writeFile(slots[newest] ?? '', (texts[newest] ?? '').slice(0, 40));
    const restarted = createFileCheckpointStore(dir);
    expect(await restarted.getCheckpoint(key('s0'))).toBe('1');
    const again = await restarted.acquireLease(key('s0'), 'w2');
    await restarted.checkpoint(again, '3');
    expect(await createFileCheckpointStore(dir).getCheckpoint(key('s0'))).toBe('3');
  });

  it('reads the one file an older sluice wrote (no generation) and goes on from it', async () => {
    await mkdir(join(dir, 'checkpoints'), { recursive: true });
    const legacy = { version: 1, mapping: 'clicks', streams: { [STREAM]: { s0: { checkpoint: '7', leaseCounter: 1, updatedAt: '2026-01-01T00:00:00.000Z' } } } };
    await writeFile(fileOf('clicks'), JSON.stringify(legacy, null, 2));
    const store = createFileCheckpointStore(dir);
    expect(await store.getCheckpoint(key('s0'))).toBe('7');
    const lease = await store.acquireLease(key('s0'), 'w1');
    await store.checkpoint(lease, '8');
    expect(await createFileCheckpointStore(dir).getCheckpoint(key('s0'))).toBe('8');
  });

  it('a new store on the same directory (a restart) reads the saved checkpoints', async () => {
    const before = createFileCheckpointStore(dir);
    const lease = await before.acquireLease(key('s0'), 'w1');
    await before.checkpoint(lease, '42');
    const after = createFileCheckpointStore(dir);
    expect(await after.getCheckpoint(key('s0'))).toBe('42');
    expect(Object.fromEntries(await after.listCheckpoints('clicks', STREAM))).toEqual({ s0: '42' });
  });

  it('fences across stores on one directory: a second process that acquired the lease makes the first one’s writes fail with LeaseLost', async () => {
    const processA = createFileCheckpointStore(dir);
    const processB = createFileCheckpointStore(dir);
    const leaseA = await processA.acquireLease(key('s0'), 'host-a');
    await processA.checkpoint(leaseA, '100');
    const leaseB = await processB.acquireLease(key('s0'), 'host-b');
    expect(leaseB.counter).toBe(leaseA.counter + 1);
    await expect(processA.checkpoint(leaseA, '90')).rejects.toMatchObject({ code: 'LeaseLost', message: expect.stringContaining('host-b') });
    await processB.checkpoint(leaseB, '200');
    expect(await processA.getCheckpoint(key('s0'))).toBe('200');
  });

  it('a pre-existing corrupt file gives a clear error naming the file, and is not overwritten', async () => {
    await mkdir(join(dir, 'checkpoints'), { recursive: true });
    await writeFile(fileOf('clicks'), '{"version":1,"mapping":"clicks","streams":{');
    const store = createFileCheckpointStore(dir);
    await expect(store.getCheckpoint(key('s0'))).rejects.toMatchObject({
      code: 'CheckpointUnreadable',
      message: expect.stringMatching(/clicks\.json is not valid JSON .*delete it/),
    });
    await expect(store.acquireLease(key('s0'), 'w')).rejects.toMatchObject({ code: 'CheckpointUnreadable' });
    expect(await readFile(fileOf('clicks'), 'utf8')).toBe('{"version":1,"mapping":"clicks","streams":{');
  });

  it.each([
    ['another version', { version: 2, mapping: 'clicks', streams: {} }],
    ['not an object', [1, 2]],
    ['null', null],
    ['streams missing', { version: 1, mapping: 'clicks' }],
  ])('a file of the wrong shape (%s) is refused, not silently replaced', async (_name, content) => {
    await mkdir(join(dir, 'checkpoints'), { recursive: true });
    await writeFile(fileOf('clicks'), JSON.stringify(content));
    const store = createFileCheckpointStore(dir);
    await expect(store.listCheckpoints('clicks', STREAM)).rejects.toMatchObject({
      code: 'CheckpointUnreadable',
      message: expect.stringContaining('not a sluice checkpoint file'),
    });
    expect(JSON.parse(await readFile(fileOf('clicks'), 'utf8'))).toEqual(content);
  });

  it('mapping names are encoded into safe file names', async () => {
    const store = createFileCheckpointStore(dir);
    const lease = await store.acquireLease(key('s0', '../orders/x'), 'w');
    await store.checkpoint(lease, '1');
    const file = `${encodeURIComponent('../orders/x')}.json`;
    expect((await readdir(join(dir, 'checkpoints'))).sort()).toEqual([file, `${file}.alt`]);
  });
});
