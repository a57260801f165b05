import { describe, expect, it } from 'vitest';
import { createDestinationSender, type DestinationPorts } from '../../src/dispatch/destinations.js';
import { silentLogger } from '../../src/log.js';

function ports(failFirst = 0) {
  const calls: string[] = [];
  let failures = 0;
  const p: DestinationPorts = {
    async sendToQueue(arn, body) {
      calls.push(`sqs ${arn} ${body}`);
      if (failures < failFirst) {
        failures += 1;
        throw new Error('connection refused');
      }
    },
    async publishToTopic(arn, message) {
      calls.push(`sns ${arn} ${message}`);
    },
  };
  return { ports: p, calls };
}
const fast = { minTimeoutMs: 0, maxTimeoutMs: 0 };

describe('createDestinationSender', () => {
  it('sends JSON to an SQS queue ARN or an SNS topic ARN', async () => {
    const { ports: p, calls } = ports();
    const send = createDestinationSender(p, silentLogger, fast);
    await send('arn:aws:sqs:us-east-1:1:dlq', { a: 1 });
    await send('arn:aws:sns:us-east-1:1:topic', { b: 2 });
    expect(calls).toEqual(['sqs arn:aws:sqs:us-east-1:1:dlq {"a":1}', 'sns arn:aws:sns:us-east-1:1:topic {"b":2}']);
  });

  it('retries until the destination accepts the document', async () => {
    const { ports: p, calls } = ports(5);
    await createDestinationSender(p, silentLogger, fast)('arn:aws:sqs:us-east-1:1:dlq', { a: 1 });
    expect(calls).toHaveLength(6);
  });

  it('does not retry a destination that is neither a queue nor a topic', async () => {
    const { ports: p, calls } = ports();
    await expect(createDestinationSender(p, silentLogger, fast)('arn:aws:s3:::bucket', {})).rejects.toMatchObject({ code: 'UnsupportedDestination' });
    expect(calls).toEqual([]);
  });

  it('stops retrying when the signal aborts', async () => {
    const { ports: p, calls } = ports(Number.POSITIVE_INFINITY);
    const controller = new AbortController();
    const sending = createDestinationSender(p, silentLogger, { minTimeoutMs: 5, maxTimeoutMs: 5 })('arn:aws:sqs:us-east-1:1:dlq', {}, controller.signal);
    await new Promise<void>((resolve) => {
      const check = (): void => (calls.length >= 3 ? resolve() : void setImmediate(check));
      check();
    });
    controller.abort(new Error('shutdown'));
    await expect(sending).rejects.toThrow();
  });
});
