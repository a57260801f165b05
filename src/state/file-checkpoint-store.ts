import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
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
 * atomically (a temporary file, flushed to disk, renamed over the old one), so a crash
 * at any moment leaves either the old or the new file, never a torn one.
 *
 * Every operation on a mapping's file runs after the previous one finished, and reads
 * the file afresh, so the lease check (the fencing token) sees a lease another store on
 * the same directory (another sluice process) took since: that write fails with
 * `LeaseLost` instead of moving the new holder's position. It is not a distributed lock:
 * two processes racing within one write can still interleave; a shared store is for that.
 */
export function createFileCheckpointStore(stateDir: string): CheckpointStore {
  const dir = join(stateDir, 'checkpoints');
  const queues = new Map<string, Promise<unknown>>();
  let tmpCounter = 0;

  const pathOf = (mapping: string): string => join(dir, `${encodeURIComponent(mapping)}.json`);

  /** Runs `operation` after every earlier operation on the mapping's file. */
  function serialized<T>(mapping: string, operation: () => Promise<T>): Promise<T> {
    const previous = queues.get(mapping) ?? Promise.resolve();
    const next = previous.then(operation, operation);
    queues.set(
      mapping,
      next.catch(() => undefined),
    );
    return next;
  }

  async function load(mapping: string): Promise<MappingFile> {
    const path = pathOf(mapping);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, mapping, streams: {} };
      throw new SluiceError('CheckpointUnreadable', `cannot read the checkpoints of mapping "${mapping}" at ${path}`, { cause: err });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new SluiceError(
        'CheckpointUnreadable',
        `the checkpoint file of mapping "${mapping}" at ${path} is not valid JSON (${(err as Error).message}); fix it, or delete it to start from the mapping's startingPosition`,
        { cause: err },
      );
    }
    if (!isMappingFile(parsed)) {
      throw new SluiceError(
        'CheckpointUnreadable',
        `the checkpoint file of mapping "${mapping}" at ${path} is not a sluice checkpoint file (version 1); fix it, or delete it to start from the mapping's startingPosition`,
      );
    }
    return parsed;
  }

  async function save(file: MappingFile): Promise<void> {
    await mkdir(dir, { recursive: true });
    const target = pathOf(file.mapping);
    const tmp = `${target}.${process.pid}.${(tmpCounter += 1)}.tmp`;
    try {
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new SluiceError('CheckpointWriteFailed', `cannot write the checkpoints of mapping "${file.mapping}" at ${target}`, {
        cause: err,
        retryable: true,
      });
    }
  }

  function entry(file: MappingFile, key: ShardKey): ShardEntry {
    const shards = (file.streams[key.streamArn] ??= {});
    return (shards[key.shardId] ??= { leaseCounter: 0, updatedAt: new Date().toISOString() });
  }

  return {
    acquireLease(key, owner) {
      return serialized(key.mapping, async () => {
        const file = await load(key.mapping);
        const shard = entry(file, key);
        shard.leaseOwner = owner;
        shard.leaseCounter += 1;
        shard.updatedAt = new Date().toISOString();
        await save(file);
        return { key, owner, counter: shard.leaseCounter };
      });
    },
    releaseLease(lease: Lease) {
      return serialized(lease.key.mapping, async () => {
        const file = await load(lease.key.mapping);
        const shard = file.streams[lease.key.streamArn]?.[lease.key.shardId];
        if (!shard || shard.leaseCounter !== lease.counter || shard.leaseOwner !== lease.owner) return;
        delete shard.leaseOwner;
        shard.updatedAt = new Date().toISOString();
        await save(file);
      });
    },
    getCheckpoint(key) {
      return serialized(key.mapping, async () => {
        const file = await load(key.mapping);
        return file.streams[key.streamArn]?.[key.shardId]?.checkpoint;
      });
    },
    checkpoint(lease, value) {
      return serialized(lease.key.mapping, async () => {
        const file = await load(lease.key.mapping);
        const shard = entry(file, lease.key);
        if (shard.leaseCounter !== lease.counter || shard.leaseOwner !== lease.owner) {
          throw new SluiceError(
            'LeaseLost',
            `lease on ${lease.key.shardId} of mapping "${lease.key.mapping}" was taken over (token ${lease.counter}, now ${shard.leaseCounter} held by ${shard.leaseOwner ?? 'nobody'})`,
          );
        }
        shard.checkpoint = value;
        shard.updatedAt = new Date().toISOString();
        await save(file);
      });
    },
    listCheckpoints(mapping, streamArn) {
      return serialized(mapping, async () => {
        const file = await load(mapping);
        const result = new Map<string, CheckpointValue>();
        for (const [shardId, shard] of Object.entries(file.streams[streamArn] ?? {})) {
          if (shard.checkpoint !== undefined) result.set(shardId, shard.checkpoint);
        }
        return result;
      });
    },
  };
}

function isMappingFile(value: unknown): value is MappingFile {
  if (typeof value !== 'object' || value === null) return false;
  const file = value as Partial<MappingFile>;
  if (file.version !== 1 || typeof file.mapping !== 'string') return false;
  if (typeof file.streams !== 'object' || file.streams === null || Array.isArray(file.streams)) return false;
  return Object.values(file.streams).every(
    (shards) =>
      typeof shards === 'object' &&
      shards !== null &&
      Object.values(shards).every((s) => typeof s === 'object' && s !== null && typeof (s as ShardEntry).leaseCounter === 'number'),
  );
}
