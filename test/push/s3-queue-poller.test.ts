import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { pollS3NotificationQueue } from '../../src/push/s3-queue-poller.js';
import { systemClock } from '../../src/clock.js';
import { silentLogger } from '../../src/log.js';

const QUEUE_URL = 'http://127.0.0.1:1/000000000000/uploads';
const TEST_EVENT = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2026-12-03T00:00:00.000Z', Bucket: 'b', RequestId: 'r', HostId: 'h' });

/** An SQS endpoint that answers the first receive with one message, then long-polls, and never answers a delete. */
function hungDeletes(): { sqs: Pick<SQSClient, 'send'>; deletes: number } {
  let receives = 0;
  const state = { deletes: 0 };
  const send = (command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> => {
    const signal = options?.abortSignal;
    if (command instanceof ReceiveMessageCommand) {
      receives += 1;
      if (receives === 1) return Promise.resolve({ Messages: [{ MessageId: 'm1', ReceiptHandle: 'rh1', Body: TEST_EVENT }] });
    } else if (command instanceof DeleteMessageBatchCommand) {
      state.deletes += 1;
    }
    // Answers nothing until the caller gives up.
    return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
  };
  return {
    sqs: { send: send as Pick<SQSClient, 'send'>['send'] },
    get deletes() {
      return state.deletes;
    },
  };
}

describe('pollS3NotificationQueue', () => {
  it('a DeleteMessageBatch that never answers does not hold the poller past stop (the message comes back: at-least-once)', async () => {
    const endpoint = hungDeletes();
    const stop = new AbortController();
    let ready!: () => void;
    const polling = new Promise<void>((resolve) => (ready = resolve));
    const poller = pollS3NotificationQueue(
      { sqs: endpoint.sqs, queue: QUEUE_URL, region: 'us-east-1', accept: () => 'accepted', clock: systemClock, logger: silentLogger, onReady: ready, deleteTimeoutMs: 50 },
      stop.signal,
    );
    await polling;
    await expect.poll(() => endpoint.deletes).toBe(1);
    stop.abort();
    await expect(poller).resolves.toBeUndefined();
  });
});
