import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it, vi } from 'vitest';
import { createSqsQueue } from '../../../pollers/sqs/sqs-queue.js';
import type { PipelineRecord } from '../../../src/records.js';
import { captureLogger } from './sqs-kit.js';

type Send = Pick<SQSClient, 'send'>['send'];
type Answer = (command: unknown, call: number) => unknown;

/** An SQS client whose answers a test scripts, recording every command. */
function fakeClient(answer: Answer): { readonly client: Pick<SQSClient, 'send'>; readonly commands: unknown[] } {
  const commands: unknown[] = [];
  const send = (async (command: unknown) => {
    commands.push(command);
    const result = answer(command, commands.length);
    if (result instanceof Error) throw result;
    return result;
  }) as unknown as Send;
  return { client: { send }, commands };
}

const QUEUE_URL = 'http://127.0.0.1:9324/000000000000/orders';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:orders';

function message(id: string): Message {
  return {
    MessageId: id,
    ReceiptHandle: `rh-${id}`,
    Body: `body-${id}`,
    Attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000', SenderId: 'x', ApproximateFirstReceiveTimestamp: '1700000000001' },
  };
}

const record = (id: string): PipelineRecord => ({
  source: 'sqs',
  itemIdentifier: id,
  event: {},
  sizeBytes: 10,
  arrivalTime: 0,
  receiptHandle: `rh-${id}`,
});

function queueWith(answer: Answer, logger = captureLogger('debug')) {
  const fake = fakeClient(answer);
  const queue = createSqsQueue({
    client: fake.client,
    queueUrl: QUEUE_URL,
    queueArn: QUEUE_ARN,
    region: 'us-east-1',
    logger: logger.logger,
    visibilityTimeoutSeconds: 30,
    backoff: { minTimeoutMs: 1, maxTimeoutMs: 2 },
    settleAttempts: 3,
  });
  return { queue, commands: fake.commands, logs: logger };
}

const connectionRefused = (): Error => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9324'), { code: 'ECONNREFUSED' });

describe('createSqsQueue (with-sqs)', () => {
  it('receives with every attribute, as Lambda does, and normalizes the messages', async () => {
    const { queue, commands } = queueWith(() => ({ Messages: [message('a'), message('b')] }));
    const signal = new AbortController().signal;
    const records = await queue.receive(25, 20, signal);
    expect(records.map((r) => r.itemIdentifier)).toEqual(['a', 'b']);
    expect(records[0]?.event['eventSourceARN']).toBe(QUEUE_ARN);
    const input = (commands[0] as ReceiveMessageCommand).input;
    expect(input).toMatchObject({
      QueueUrl: QUEUE_URL,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 20,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
  });

  it('retries a failing receive with backoff and logs the problem once, then once when it works again', async () => {
    const { queue, commands, logs } = queueWith((_command, call) => (call <= 4 ? connectionRefused() : { Messages: [message('a')] }));
    const records = await queue.receive(10, 0, new AbortController().signal);
    expect(records).toHaveLength(1);
    expect(commands).toHaveLength(5);
    expect(logs.messages().filter((m) => m.startsWith('SQS call failing'))).toHaveLength(1);
    expect(logs.messages().filter((m) => m === 'SQS calls succeed again')).toHaveLength(1);
  });

  it('logs again when the problem changes (connection refused, then the queue is gone)', async () => {
    const missing = Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' });
    const { queue, logs } = queueWith((_c, call) => (call <= 2 ? connectionRefused() : call <= 4 ? missing : { Messages: [] }));
    await queue.receive(10, 0, new AbortController().signal);
    const problems = logs.lines().filter((l) => l['msg'] === 'SQS call failing; retrying with backoff').map((l) => l['problem']);
    expect(problems).toEqual(['ECONNREFUSED', 'QueueDoesNotExist']);
  });

  it('a call sent before another one failed does not count as recovery when it succeeds (a long poll outliving its queue)', async () => {
    const missing = Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' });
    let answerPoll: (value: unknown) => void = () => undefined;
    const openPoll = new Promise((resolve) => {
      answerPoll = resolve;
    });
    let deleted = false;
    const { queue, logs } = queueWith((command) => {
      if (command instanceof ReceiveMessageCommand && !deleted) return openPoll;
      return deleted ? missing : { Successful: [] };
    });
    const signal = new AbortController().signal;
    const polling = queue.receive(10, 20, signal);
    deleted = true;
    const deleting = queue.delete([record('a')], signal).catch(() => undefined);
    await vi.waitFor(() => expect(logs.messages()).toContain('SQS call failing; retrying with backoff'));
    answerPoll({ Messages: [] });
    expect(await polling).toEqual([]);
    expect(logs.messages()).not.toContain('SQS calls succeed again');
    deleted = false;
    await deleting;
    await queue.receive(10, 0, signal);
    expect(logs.messages().filter((m) => m === 'SQS calls succeed again')).toHaveLength(1);
  });

  it('with retryForMs, a failing receive gives up once that long has passed (a batching window ending), with the error', async () => {
    const { queue, commands } = queueWith(() => connectionRefused());
    await expect(queue.receive(10, 0, new AbortController().signal, 30)).rejects.toMatchObject({ code: 'SqsUnavailable', retryable: true });
    expect(commands.length).toBeGreaterThan(1);
  });

  it('an error no retry cures (a malformed request) is thrown at once, not logged as being retried', async () => {
    const invalid = Object.assign(new Error('Value for parameter MaxNumberOfMessages is invalid.'), { name: 'InvalidParameterValue' });
    const { queue, commands, logs } = queueWith(() => invalid);
    await expect(queue.receive(10, 0, new AbortController().signal)).rejects.toMatchObject({ code: 'SqsRequestInvalid' });
    expect(commands).toHaveLength(1);
    expect(logs.messages()).not.toContain('SQS call failing; retrying with backoff');
  });

  it('stops retrying when the signal aborts', async () => {
    const controller = new AbortController();
    const { queue } = queueWith((_c, call) => {
      if (call === 3) controller.abort(new Error('stopping'));
      return connectionRefused();
    });
    await expect(queue.receive(10, 0, controller.signal)).rejects.toThrow('stopping');
  });

  it('deletes in requests of 10 and retries only the entries that failed on the service side', async () => {
    const { queue, commands } = queueWith((command, call) => {
      const entries = (command as DeleteMessageBatchCommand).input.Entries ?? [];
      if (call === 1) return { Successful: entries.slice(1).map((e) => ({ Id: e.Id })), Failed: [{ Id: entries[0]?.Id, SenderFault: false, Code: 'InternalError' }] };
      return { Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] };
    });
    await queue.delete(Array.from({ length: 23 }, (_, i) => record(`m${i}`)), new AbortController().signal);
    const sizes = commands.map((c) => (c as DeleteMessageBatchCommand).input.Entries?.length);
    expect(sizes.slice(0, 3).sort((a = 0, b = 0) => a - b)).toEqual([3, 10, 10]);
    expect(sizes.slice(3)).toEqual([1]);
    expect((commands[3] as DeleteMessageBatchCommand).input.Entries?.[0]?.ReceiptHandle).toBe('rh-m0');
  });

  it('logs a stale receipt handle (sender fault) once per request and does not retry it', async () => {
    const { queue, commands, logs } = queueWith((command) => {
      const entries = (command as DeleteMessageBatchCommand).input.Entries ?? [];
      return { Successful: [], Failed: entries.map((e) => ({ Id: e.Id, SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'stale' })) };
    });
    await queue.delete([record('a'), record('b')], new AbortController().signal);
    expect(commands).toHaveLength(1);
    expect(logs.lines().filter((l) => l['level'] === 40 && l['code'] === 'ReceiptHandleIsInvalid')).toHaveLength(1);
  });

  it('gives up after settleAttempts when entries keep failing, with an error', async () => {
    const { queue, commands } = queueWith((command) => {
      const entries = (command as DeleteMessageBatchCommand).input.Entries ?? [];
      return { Failed: entries.map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError' })) };
    });
    await expect(queue.delete([record('a')], new AbortController().signal)).rejects.toThrow('entries failed');
    expect(commands).toHaveLength(3);
  });

  it('release sets visibility 0 and extendVisibility the given seconds, in requests of 10', async () => {
    const { queue, commands } = queueWith(() => ({ Successful: [], Failed: [] }));
    const signal = new AbortController().signal;
    await queue.release(Array.from({ length: 12 }, (_, i) => record(`m${i}`)), signal);
    await queue.extendVisibility?.([record('x')], 30, signal);
    const inputs = commands.map((c) => (c as ChangeMessageVisibilityBatchCommand).input);
    expect(inputs.map((i) => i.Entries?.length)).toEqual([10, 2, 1]);
    expect(inputs.slice(0, 2).every((i) => i.Entries?.every((e) => e.VisibilityTimeout === 0))).toBe(true);
    expect(inputs[2]?.Entries?.[0]).toMatchObject({ ReceiptHandle: 'rh-x', VisibilityTimeout: 30 });
  });

  it('settleFailed sends nothing: the message reappears after the visibility timeout (services-sqs-errorhandling)', async () => {
    const { queue, commands } = queueWith(() => ({}));
    await queue.settleFailed([record('a')], new AbortController().signal);
    expect(commands).toHaveLength(0);
    expect(queue.visibilityTimeoutSeconds).toBe(30);
    expect(queue.finite).toBe(false);
  });

  it('leaves a message that cannot be normalized in the queue, logged once', async () => {
    const broken: Message = { MessageId: 'bad', ReceiptHandle: 'rh', Body: 'x', Attributes: {} };
    const { queue, logs } = queueWith(() => ({ Messages: [broken, message('ok')] }));
    const signal = new AbortController().signal;
    expect((await queue.receive(10, 0, signal)).map((r) => r.itemIdentifier)).toEqual(['ok']);
    await queue.receive(10, 0, signal);
    expect(logs.messages().filter((m) => m.includes('cannot be turned into a Lambda record'))).toHaveLength(1);
  });
});
