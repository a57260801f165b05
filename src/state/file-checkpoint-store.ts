import { closeSync, constants, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
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
  /** Increases with every write; the slot with the higher one is current (absent: 0, a file of an older sluice). */
  generation?: number;
  streams: Record<string, Record<string, ShardEntry>>;
}

/** The two slots of a mapping, and which of them is current. */
interface Slots {
  /** Each slot's text as last read or written (undefined: no such file). */
  readonly texts: [string | undefined, string | undefined];
  /** The current slot (-1: neither exists yet). */
  readonly current: -1 | 0 | 1;
  readonly file: MappingFile;
}

/**
 * Checkpoints in `<stateDir>/checkpoints/<mapping>.json` and `<mapping>.json.alt`: two slots
 * per mapping, written alternately, each carrying a `generation`; the valid slot with the
 * higher generation is current. A write goes to the other slot, in place, so the current one
 * is never touched while it is written: a crash (or a reader) at any moment finds at least one
 * whole file, and a torn write (a `kill -9` or a power loss in the middle) is a slot that does
 * not parse, passed over for the other. Files are written in place rather than replaced by
 * rename because replacing a file frees its old blocks: on a disk mounted with `discard` that
 * took ~180 microseconds per checkpoint, a tenth of a DynamoDB Streams drain.
 *
 * Every operation on a mapping runs after the previous one finished, and reads both slots
 * again first (parsing only what changed), so the lease check (the fencing token) sees a
 * lease another store on the same directory (another sluice process) took since: that write
 * fails with `LeaseLost` instead of moving the new holder's position. It is not a distributed
 * lock: two processes racing within one write can still interleave; a shared store is for that.
 *
 * Durability: a checkpoint is written before the next batch is invoked, so the write is on the
 * path of every batch: a small synchronous write (a few microseconds). The slots are flushed to
 * disk (`fsync`) in the background at most once a second and whenever a lease is released
 * (shutdown), not on every write: an `fsync` per batch cost a third of a DynamoDB Streams
 * drain. A process crash (`kill -9`) loses nothing, since the operating system holds what was
 * written; an operating-system crash or power loss can lose the last second of checkpoints,
 * whose records are then delivered again (at-least-once), never skipped.
 */
export function createFileCheckpointStore(stateDir: string): CheckpointStore {
  const dir = join(stateDir, 'checkpoints');
  const queues = new Map<string, Promise<unknown>>();
  /** Each mapping's slots as this store last read or wrote them. */
  const known = new Map<string, Slots>();
  /** Mappings written since their last flush to disk. */
  const unflushed = new Set<string>();
  let flushTimer: NodeJS.Timeout | undefined;
  let flushFailure: unknown;
  let dirReady = false;

  const base = (mapping: string): string => join(dir, `${encodeURIComponent(mapping)}.json`);
  /** Slot 0 is `<mapping>.json` (the one file of older versions), slot 1 `<mapping>.json.alt`. */
  const slotPath = (mapping: string, slot: 0 | 1): string => (slot === 0 ? base(mapping) : `${base(mapping)}.alt`);

  /** Runs `operation` after every earlier operation on the mapping's files. */
  function serialized<T>(mapping: string, operation: () => Promise<T>): Promise<T> {
    const previous = queues.get(mapping) ?? Promise.resolve();
    const next = previous.then(operation, operation);
    queues.set(
      mapping,
      next.catch(() => undefined),
    );
    return next;
  }

  function readSlot(mapping: string, slot: 0 | 1): string | undefined {
    const path = slotPath(mapping, slot);
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SluiceError('CheckpointUnreadable', `cannot read the checkpoints of mapping "${mapping}" at ${path}`, { cause: err });
    }
  }

  /** A slot's text as a checkpoint file, or the reason it is not one. */
  function parseSlot(mapping: string, slot: 0 | 1, text: string): MappingFile | SluiceError {
    const path = slotPath(mapping, slot);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return new SluiceError(
        'CheckpointUnreadable',
        `the checkpoint file of mapping "${mapping}" at ${path} is not valid JSON (${(err as Error).message}); fix it, or delete it to start from the mapping's startingPosition`,
        { cause: err },
      );
    }
    if (!isMappingFile(parsed)) {
      return new SluiceError(
        'CheckpointUnreadable',
        `the checkpoint file of mapping "${mapping}" at ${path} is not a sluice checkpoint file (version 1); fix it, or delete it to start from the mapping's startingPosition`,
      );
    }
    return parsed;
  }

  async function load(mapping: string): Promise<MappingFile> {
    const texts: Slots['texts'] = [readSlot(mapping, 0), readSlot(mapping, 1)];
    const cached = known.get(mapping);
    if (cached !== undefined && cached.texts[0] === texts[0] && cached.texts[1] === texts[1]) return cached.file;
    const parsed = texts.map((text, slot) => (text === undefined ? undefined : parseSlot(mapping, slot as 0 | 1, text)));
    let current: Slots['current'] = -1;
    let file: MappingFile = { version: 1, mapping, streams: {} };
    for (const slot of [0, 1] as const) {
      const candidate = parsed[slot];
      if (candidate === undefined || candidate instanceof SluiceError) continue;
      if (current === -1 || (candidate.generation ?? 0) > (file.generation ?? 0)) {
        current = slot;
        file = candidate;
      }
    }
    // Neither slot is whole: refuse (and leave them as they are) rather than start over.
    const broken = parsed.find((p): p is SluiceError => p instanceof SluiceError);
    if (current === -1 && broken !== undefined) throw broken;
    known.set(mapping, { texts, current, file });
    return file;
  }

  function save(file: MappingFile): void {
    const { mapping } = file;
    const before = known.get(mapping);
    const slot: 0 | 1 = before?.current === 0 ? 1 : 0;
    const path = slotPath(mapping, slot);
    file.generation = (file.generation ?? 0) + 1;
    const text = `${JSON.stringify(file, null, 2)}\n`;
    try {
      if (flushFailure !== undefined) throw flushFailure;
      if (!dirReady) mkdirSync(dir, { recursive: true });
      dirReady = true;
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT, 0o644);
      try {
        const written = writeSync(fd, text, 0, 'utf8');
        if (written !== Buffer.byteLength(text)) throw new Error(`short write: ${written} bytes`);
        // What the slot held before may have been longer.
        ftruncateSync(fd, written);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      // What this store holds in memory may not be what is on disk now: read it again next time.
      known.delete(mapping);
      throw new SluiceError('CheckpointWriteFailed', `cannot write the checkpoints of mapping "${mapping}" at ${path}`, {
        cause: err,
        retryable: true,
      });
    }
    const texts: Slots['texts'] = slot === 0 ? [text, before?.texts[1]] : [before?.texts[0], text];
    known.set(mapping, { texts, current: slot, file });
    unflushed.add(mapping);
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      void flush();
    }, FLUSH_INTERVAL_MS).unref();
  }

  /** Flushes the slots written since the last flush, and their directory, to disk. */
  async function flush(): Promise<void> {
    const mappings = [...unflushed];
    unflushed.clear();
    if (mappings.length === 0) return;
    try {
      for (const path of [...mappings.flatMap((m) => [slotPath(m, 0), slotPath(m, 1)]), dir]) {
        const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return undefined;
          throw err;
        });
        if (handle === undefined) continue;
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
    } catch (err) {
      // A disk that no longer takes our writes: the next checkpoint reports it.
      flushFailure = err;
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
        // Released at shutdown (or when a shard ends): its last checkpoint goes to disk now,
        // and there is no later checkpoint to report a failure, so this one does.
        await flush();
        if (flushFailure !== undefined) {
          throw new SluiceError('CheckpointWriteFailed', `cannot flush the checkpoints of mapping "${lease.key.mapping}" to disk`, { cause: flushFailure });
        }
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
  if (file.generation !== undefined && typeof file.generation !== 'number') return false;
  if (typeof file.streams !== 'object' || file.streams === null || Array.isArray(file.streams)) return false;
  return Object.values(file.streams).every(
    (shards) =>
      typeof shards === 'object' &&
      shards !== null &&
      Object.values(shards).every((s) => typeof s === 'object' && s !== null && typeof (s as ShardEntry).leaseCounter === 'number'),
  );
}
