import { SluiceError } from '../errors.js';
import type { CheckpointStore, CheckpointValue, ShardKey } from './checkpoint-store.js';

/** Checkpoints in memory: replays and tests, where nothing must outlive the process. */
export function createMemoryCheckpointStore(): CheckpointStore {
  const entries = new Map<string, { checkpoint?: CheckpointValue; owner?: string; counter: number; shardId: string }>();
  const id = (key: ShardKey): string => JSON.stringify([key.mapping, key.streamArn, key.shardId]);
  const entry = (key: ShardKey) => {
    let found = entries.get(id(key));
    if (!found) {
      found = { counter: 0, shardId: key.shardId };
      entries.set(id(key), found);
    }
    return found;
  };
  return {
    async acquireLease(key, owner) {
      const e = entry(key);
      e.owner = owner;
      e.counter += 1;
      return { key, owner, counter: e.counter };
    },
    async releaseLease(lease) {
      const e = entry(lease.key);
      if (e.counter === lease.counter) delete e.owner;
    },
    async getCheckpoint(key) {
      return entries.get(id(key))?.checkpoint;
    },
    async checkpoint(lease, value) {
      const e = entry(lease.key);
      if (e.counter !== lease.counter || e.owner !== lease.owner) {
        throw new SluiceError('LeaseLost', `lease on ${lease.key.shardId} of mapping "${lease.key.mapping}" was taken over`);
      }
      e.checkpoint = value;
    },
    async listCheckpoints(mapping, streamArn) {
      const result = new Map<string, CheckpointValue>();
      for (const [key, e] of entries) {
        const [m, s] = JSON.parse(key) as [string, string, string];
        if (m === mapping && s === streamArn && e.checkpoint !== undefined) result.set(e.shardId, e.checkpoint);
      }
      return result;
    },
  };
}
