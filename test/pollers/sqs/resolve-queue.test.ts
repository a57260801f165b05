import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { resolveQueueInfo } from '../../../pollers/sqs/resolve-queue.js';
import { isRetryable, SluiceError } from '../../../src/errors.js';

type Send = Pick<SQSClient, 'send'>['send'];

function client(attributes: Record<string, string>, fail?: Error) {
  const commands: unknown[] = [];
  const send = (async (command: unknown) => {
    commands.push(command);
    if (fail) throw fail;
    if (command instanceof GetQueueUrlCommand) return { QueueUrl: `http://127.0.0.1:9324/${command.input.QueueOwnerAWSAccountId ?? '000000000000'}/${command.input.QueueName}` };
    return { Attributes: attributes };
  }) as unknown as Send;
  return { client: { send }, commands };
}

const defaults = { region: 'us-east-1', account: '000000000000' };
const signal = new AbortController().signal;

describe('resolveQueueInfo', () => {
  it.each([
    ['a name', 'orders', undefined],
    ['a URL of another endpoint', 'http://localhost:4566/000000000000/orders', undefined],
    ['an ARN of another account', 'arn:aws:sqs:us-east-1:111122223333:orders', '111122223333'],
  ])('resolves %s with GetQueueUrl by name', async (_what, queue, owner) => {
    const fake = client({ QueueArn: 'arn:aws:sqs:us-east-1:000000000000:orders', VisibilityTimeout: '45' });
    const info = await resolveQueueInfo(fake.client, queue, defaults, signal);
    const getUrl = fake.commands[0] as GetQueueUrlCommand;
    expect(getUrl.input.QueueName).toBe('orders');
    expect(getUrl.input.QueueOwnerAWSAccountId).toBe(owner);
    expect((fake.commands[1] as GetQueueAttributesCommand).input.AttributeNames).toEqual(['QueueArn', 'VisibilityTimeout', 'FifoQueue', 'RedrivePolicy']);
    expect(info).toMatchObject({ queueArn: 'arn:aws:sqs:us-east-1:000000000000:orders', visibilityTimeoutSeconds: 45, fifo: false });
  });

  it('reads FIFO, the redrive maxReceiveCount, and falls back to a computed ARN and the default timeout', async () => {
    const fake = client({ FifoQueue: 'true', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:x', maxReceiveCount: 3 }) });
    const info = await resolveQueueInfo(fake.client, 'jobs.fifo', defaults, signal);
    expect(info).toEqual({
      queueUrl: 'http://127.0.0.1:9324/000000000000/jobs.fifo',
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:jobs.fifo',
      fifo: true,
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 3,
    });
  });

  it.each([
    ['a queue that does not exist yet', Object.assign(new Error('nope'), { name: 'QueueDoesNotExist' }), 'QueueDoesNotExist', true],
    ['access denied', Object.assign(new Error('denied'), { name: 'AccessDenied' }), 'SqsUnavailable', true],
    ['a malformed request', Object.assign(new Error('bad'), { name: 'InvalidParameterValue' }), 'SqsRequestInvalid', false],
  ])('maps %s to a %s error (retryable: %s)', async (_what, error, code, retryable) => {
    const fake = client({}, error);
    const failure = await resolveQueueInfo(fake.client, 'orders', defaults, signal).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SluiceError);
    expect((failure as SluiceError).code).toBe(code);
    expect(isRetryable(failure)).toBe(retryable);
  });
});
