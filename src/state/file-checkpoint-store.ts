import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SluiceError } from '../errors.js';
import type { CheckpointStore, CheckpointValue, Lease, ShardKey } from './checkpoint-store.js';

interface ShardEntry {
  checkpoint?: CheckpointValue;
  leaseOwner?: string;
  leaseCounter: number;
  updatedAt: string;
}

interface MappingFile {
  version: 1;
  mapping: string;
  streams: Record<string, Record<string, ShardEntry>>;
}

/**
 * Checkpoints in `<stateDir>/checkpoints/<mapping>.json`, one file per mapping, written
 * atomically (a temporary file renamed over the old one), so a crash at any moment
 * leaves either the old or the new file, never a torn one. Writes to one file are
 * serialized; the in-memory copy is the source of truth while the process runs.
 */
export function createFileCheckpointStore(stateDir: string): CheckpointStore {
  const dir = join(stateDir, 'checkpoints');
  const files = new Map<string, MappingFile>();
  const writes = new Map<string, Promise<void>>();
  let tmpCounter = 0;

  const pathOf = (mapping: string): string => join(dir, `${encodeURIComponent(mapping)}.json`);

  async function load(mapping: string): Promise<MappingFile> {
    const cached = files.get(mapping);
    if (cached) return cached;
    let file: MappingFile;
    try {
      const parsed = JSON.parse(await readFile(pathOf(mapping), 'utf8')) as MappingFile;
      file = parsed.version === 1 ? parsed : { version: 1, mapping, streams: {} };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new SluiceError('CheckpointUnreadable', `cannot read checkpoints of mapping "${mapping}" at ${pathOf(mapping)}`, { cause: err });
      }
      file = { version: 1, mapping, streams: {} };
    }
    const again = files.get(mapping);
    if (again) return again;
    files.set(mapping, file);
    return file;
  }

  function entry(file: MappingFile, key: ShardKey): ShardEntry {
    const shards = (file.streams[key.streamArn] ??= {});
    return (shards[key.shardId] ??= { leaseCounter: 0, updatedAt: new Date().toISOString() });
  }

  /** Persists the mapping's file; concurrent calls are chained so the last state wins. */
  function persist(mapping: string): Promise<void> {
    const previous = writes.get(mapping) ?? Promise.resolve();
    const next = previous.then(async () => {
      const file = files.get(mapping);
      if (!file) return;
      await mkdir(dir, { recursive: true });
      const target = pathOf(mapping);
      const tmp = `${target}.${process.pid}.${(tmpCounter += 1)}.tmp`;
      await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`);
      await rename(tmp, target);
    });
    writes.set(mapping, next.catch(() => undefined));
    return next;
  }

  return {
    async acquireLease(key, owner) {
      const file = await load(key.mapping);
      const shard = entry(file, key);
      shard.leaseOwner = owner;
      shard.leaseCounter += 1;
      shard.updatedAt = new Date().toISOString();
      await persist(key.mapping);
      return { key, owner, counter: shard.leaseCounter };
    },
    async releaseLease(lease: Lease) {
      const file = await load(lease.key.mapping);
      const shard = entry(file, lease.key);
      if (shard.leaseCounter !== lease.counter) return;
      delete shard.leaseOwner;
      await persist(lease.key.mapping);
    },
    async getCheckpoint(key) {
      const file = await load(key.mapping);
      return file.streams[key.streamArn]?.[key.shardId]?.checkpoint;
    },
    async checkpoint(lease, value) {
      const file = await load(lease.key.mapping);
      const shard = entry(file, lease.key);
      if (shard.leaseCounter !== lease.counter || shard.leaseOwner !== lease.owner) {
        throw new SluiceError(
          'LeaseLost',
          `lease on ${lease.key.shardId} of mapping "${lease.key.mapping}" was taken over (token ${lease.counter}, now ${shard.leaseCounter})`,
        );
      }
      shard.checkpoint = value;
      shard.updatedAt = new Date().toISOString();
      await persist(lease.key.mapping);
    },
    async listCheckpoints(mapping, streamArn) {
      const file = await load(mapping);
      const result = new Map<string, CheckpointValue>();
      for (const [shardId, shard] of Object.entries(file.streams[streamArn] ?? {})) {
        if (shard.checkpoint !== undefined) result.set(shardId, shard.checkpoint);
      }
      return result;
    },
  };
}
