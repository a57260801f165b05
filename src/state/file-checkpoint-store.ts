import { mkdirSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
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
 * Checkpoints in `<stateDir>/checkpoints/<mapping>.json`, one file per mapping, replaced
 * atomically (a temporary file renamed over the old one), so a crash at any moment leaves
 * either the old or the new file, never a torn one.
 *
 * Every operation on a mapping's file runs after the previous one finished, and checks the
 * file on disk first (a `stat`; it is read again only when another writer replaced it), so the
 * lease check (the fencing token) sees a lease another store on the same directory (another
 * sluice process) took since: that write fails with `LeaseLost` instead of moving the new
 * holder's position. It is not a distributed lock: two processes racing within one write can
 * still interleave; a shared store is for that.
 *
 * Durability: a checkpoint is written before the next batch is invoked, so the write is on the
 * path of every batch. It is a small synchronous write and rename (tens of microseconds), and
 * the file is flushed to disk (`fsync`) in the background at most once a second and whenever a
 * lease is released (shutdown), not on every write: an `fsync` per batch cost a third of a
 * DynamoDB Streams drain. A process crash (`kill -9`) loses nothing, since the operating system
 * holds the written file; an operating-system crash or power loss can lose the last second of
 * checkpoints, whose records are then delivered again (at-least-once), never skipped.
 */
export function createFileCheckpointStore(stateDir: string): CheckpointStore {
  const dir = join(stateDir, 'checkpoints');
  const queues = new Map<string, Promise<unknown>>();
  /** Each mapping's file as this store last read or wrote it, with the identity of that version on disk. */
  const known = new Map<string, { readonly file: MappingFile; readonly version: string }>();
  /** Mappings written since their last flush to disk, and the flush under way. */
  const unflushed = new Set<string>();
  let flushTimer: NodeJS.Timeout | undefined;
  let flushFailure: unknown;
  let dirReady = false;
  let tmpCounter = 0;

  const pathOf = (mapping: string): string => join(dir, `${encodeURIComponent(mapping)}.json`);
  /** Which version of the file is on disk: a replacement by rename is a new inode. */
  const versionOf = (stats: Stats): string => `${stats.ino}:${stats.size}:${stats.mtimeMs}`;

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
    let version: string;
    try {
      version = versionOf(statSync(path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, mapping, streams: {} };
      throw new SluiceError('CheckpointUnreadable', `cannot read the checkpoints of mapping "${mapping}" at ${path}`, { cause: err });
    }
    const cached = known.get(mapping);
    if (cached?.version === version) return cached.file;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
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
    known.set(mapping, { file: parsed, version });
    return parsed;
  }

  function save(file: MappingFile): void {
    const target = pathOf(file.mapping);
    const tmp = `${target}.${process.pid}.${(tmpCounter += 1)}.tmp`;
    try {
      if (flushFailure !== undefined) throw flushFailure;
      if (!dirReady) mkdirSync(dir, { recursive: true });
      dirReady = true;
      writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`);
      renameSync(tmp, target);
      known.set(file.mapping, { file, version: versionOf(statSync(target)) });
    } catch (err) {
      // What this store holds in memory may not be what is on disk now: read it again next time.
      known.delete(file.mapping);
      rmSync(tmp, { force: true });
      throw new SluiceError('CheckpointWriteFailed', `cannot write the checkpoints of mapping "${file.mapping}" at ${target}`, {
        cause: err,
        retryable: true,
      });
    }
    unflushed.add(file.mapping);
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      void flush();
    }, FLUSH_INTERVAL_MS).unref();
  }

  /** Flushes the files written since the last flush, and their directory (the renames), to disk. */
  async function flush(): Promise<void> {
    const mappings = [...unflushed];
    unflushed.clear();
    if (mappings.length === 0) return;
    try {
      for (const path of [...mappings.map(pathOf), dir]) {
        const handle = await open(path, 'r');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
    } catch (err) {
      // A file replaced meanwhile was flushed with its replacement's rename; anything else is a
      // disk that no longer takes our writes: the next checkpoint reports it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') flushFailure = err;
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
        save(file);
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
        save(file);
        // Released at shutdown (or when a shard ends): its last checkpoint goes to disk now.
        await flush();
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
        save(file);
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

/** Longest time a written checkpoint waits to be flushed to disk. */
const FLUSH_INTERVAL_MS = 1_000;

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
