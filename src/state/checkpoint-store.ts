/**
 * Where stream mappings keep their position per shard, in KCL's terms: a lease per
 * (mapping, shard) held by one worker, and a checkpoint written under that lease.
 * Every checkpoint write carries the lease's fencing token, so a worker that lost its
 * lease can never move a position backwards over the new holder's. The default store
 * is a file per mapping; a shared store (several sluice instances splitting a stream's
 * shards) implements the same interface.
 */

export interface ShardKey {
  readonly mapping: string;
  /** Checkpoints of a different stream under the same mapping name are ignored. */
  readonly streamArn: string;
  readonly shardId: string;
}

/** The sequence number of the last record processed, or `SHARD_END` once the shard is done. */
export type CheckpointValue = string;
export const SHARD_END = 'SHARD_END';

export interface Lease {
  readonly key: ShardKey;
  readonly owner: string;
  /** Fencing token: increases on every acquisition. */
  readonly counter: number;
}

export interface CheckpointStore {
  /** Takes (or takes over) the lease of a shard. */
  acquireLease(key: ShardKey, owner: string): Promise<Lease>;
  /** Gives the lease up; the checkpoint stays. */
  releaseLease(lease: Lease): Promise<void>;
  getCheckpoint(key: ShardKey): Promise<CheckpointValue | undefined>;
  /** Throws `SluiceError` code `LeaseLost` when another owner took the lease since. */
  checkpoint(lease: Lease, value: CheckpointValue): Promise<void>;
  /** Every checkpoint of a mapping on a stream (for status and for parent/child decisions). */
  listCheckpoints(mapping: string, streamArn: string): Promise<ReadonlyMap<string, CheckpointValue>>;
}
