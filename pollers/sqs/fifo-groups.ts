import type { PipelineRecord } from '../../src/records.js';

/**
 * One batch per FIFO message group in flight, as Lambda guarantees: SQS itself hides a group
 * while one of its messages is in flight, but not every emulator does (moto does not), so a
 * batch waits here until no batch of its groups is being invoked. Batches wait in the order
 * they arrive, so a group's batches run in order. Returns the release for this batch.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
export async function holdGroups(inFlight: Map<string, Promise<void>>, records: readonly PipelineRecord[]): Promise<() => void> {
  const groups = [...new Set(records.map((r) => r.orderingKey).filter((g): g is string => g !== undefined))];
  for (;;) {
    const busy = groups.map((g) => inFlight.get(g)).filter((p): p is Promise<void> => p !== undefined);
    if (busy.length === 0) break;
    await Promise.all(busy);
  }
  let done!: () => void;
  const ended = new Promise<void>((resolve) => (done = resolve));
  for (const g of groups) inFlight.set(g, ended);
  return () => {
    for (const g of groups) if (inFlight.get(g) === ended) inFlight.delete(g);
    done();
  };
}
