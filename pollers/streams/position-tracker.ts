import type { PipelineRecord } from '../../src/records.js';

/**
 * Tracks records of one shard in read order and tells how far the checkpoint may
 * move: just past the last record such that it, and every record before it, is done
 * (processed, filtered out, or discarded by the failure policy). With several
 * batches in flight (`parallelizationFactor`), a later batch finishing first does not
 * move the checkpoint past an earlier one still running.
 */
export interface PositionTracker {
  add(records: readonly PipelineRecord[]): void;
  done(records: readonly PipelineRecord[]): void;
  /** The sequence number the checkpoint may move to, if it moved since the last call. */
  advance(): string | undefined;
  /** Records read but not done yet. */
  readonly outstanding: number;
}

export function createPositionTracker(): PositionTracker {
  const order: PipelineRecord[] = [];
  const finished = new Set<PipelineRecord>();
  let head = 0;
  return {
    add(records) {
      for (const r of records) order.push(r);
    },
    done(records) {
      for (const r of records) finished.add(r);
    },
    advance() {
      let moved: string | undefined;
      while (head < order.length && finished.has(order[head] as PipelineRecord)) {
        const record = order[head] as PipelineRecord;
        finished.delete(record);
        moved = record.sequenceNumber ?? record.itemIdentifier;
        head += 1;
      }
      if (head > 4096 && head * 2 > order.length) {
        order.splice(0, head);
        head = 0;
      }
      return moved;
    },
    get outstanding() {
      return order.length - head;
    },
  };
}
