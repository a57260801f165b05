import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FunctionConfig, LambdaInvokerConfig } from '../../src/config/types.js';
import { SluiceError } from '../../src/errors.js';
import { silentLogger, type Logger } from '../../src/log.js';
import type { InvokeResult } from '../../src/invokers/invoker.js';
import { createLambdaClient, createLambdaInvoker, invokeWithThrottleRetry, type LambdaClientPort } from '../../src/invokers/lambda.js';
import { useEmulator } from '../harness/index.js';
import { captureLogger } from './fixtures/capture-logger.js';
import { createEchoFunction, createRole, useLambdaWithoutDocker } from './fixtures/emulator-lambda.js';
import { notFound, serviceError, startFakeLambdaApi, throttled, tooLarge, type FakeLambdaApi } from './fixtures/fake-lambda-api.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

function lambdaInvoker(
  client: LambdaClientPort,
  config: Omit<LambdaInvokerConfig, 'type'>,
  logger: Logger = silentLogger,
  timing: { timeout?: number; responseMarginMs?: number } = {},
): ReturnType<typeof createLambdaInvoker> {
  const invokerConfig: LambdaInvokerConfig = { type: 'lambda', ...config };
  const fn: FunctionConfig = { name: 'orders', invoker: invokerConfig, timeout: timing.timeout ?? 3, memorySize: 128, environment: {} };
  return createLambdaInvoker({
    fn,
    config: invokerConfig,
    client,
    logger,
    ...(timing.responseMarginMs === undefined ? {} : { responseMarginMs: timing.responseMarginMs }),
  });
}

function functionError(result: InvokeResult): Extract<InvokeResult, { status: 'function-error' }> {
  if (result.status !== 'function-error') throw new Error(`expected a function error, got ${JSON.stringify(result)}`);
  return result;
}

async function thrown(promise: Promise<unknown>): Promise<SluiceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SluiceError)) throw new Error(`expected a SluiceError, got ${String(err)}`);
  return err;
}

describe('Lambda Invoke API over HTTP (loopback server speaking the AWS wire format)', () => {
  let api: FakeLambdaApi;
  let client: ReturnType<typeof createLambdaClient>;
  beforeAll(async () => {
    api = await startFakeLambdaApi();
    client = createLambdaClient({ region: 'us-east-1', endpoint: api.endpoint, credentials });
  });
  afterAll(async () => {
    client.destroy();
    await api.close();
  });
  afterEach(() => {
    (api.invocations as unknown[]).length = 0;
  });

  it('sends the event as the payload and returns the parsed response', async () => {
    api.respondWith({ kind: 'result', payload: '{"batchItemFailures":[]}' });
    const result = await lambdaInvoker(client, { functionName: 'orders' }).invoke({ Records: [{ messageId: 'm-1' }] });
    expect(result).toMatchObject({ status: 'success', payload: { batchItemFailures: [] } });
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(api.invocations).toEqual([
      { functionName: 'orders', qualifier: undefined, invocationType: 'RequestResponse', logType: 'Tail', body: '{"Records":[{"messageId":"m-1"}]}' },
    ]);
  });

  it.each([
    { name: 'a name', config: { functionName: 'orders' }, functionName: 'orders', qualifier: undefined },
    { name: 'a name and qualifier', config: { functionName: 'orders', qualifier: 'live' }, functionName: 'orders', qualifier: 'live' },
    { name: 'name:qualifier', config: { functionName: 'orders:7' }, functionName: 'orders:7', qualifier: undefined },
    {
      name: 'an ARN',
      config: { functionName: 'arn:aws:lambda:us-east-1:000000000000:function:orders', qualifier: 'live' },
      functionName: 'arn:aws:lambda:us-east-1:000000000000:function:orders',
      qualifier: 'live',
    },
  ])('addresses the function by $name', async ({ config, functionName, qualifier }) => {
    api.respondWith({ kind: 'result', payload: '"ok"' });
    await lambdaInvoker(client, config).invoke({});
    expect(api.invocations[0]).toMatchObject({ functionName, qualifier });
  });

  it('invokes asynchronously with InvocationType Event: 202 is success with no payload', async () => {
    api.respondWith({ kind: 'accepted' });
    const result = await lambdaInvoker(client, { functionName: 'orders' }).invoke({ a: 1 }, { invocationType: 'Event' });
    expect(result).toMatchObject({ status: 'success', payload: null });
    expect(api.invocations[0]).toMatchObject({ invocationType: 'Event', logType: undefined });
  });

  it.each([
    {
      name: 'an Unhandled error payload',
      header: 'Unhandled',
      payload: JSON.stringify({ errorType: 'TypeError', errorMessage: 'x is undefined', trace: ['TypeError: x is undefined', '    at handler'] }),
      error: { errorType: 'TypeError', errorMessage: 'x is undefined', trace: ['TypeError: x is undefined', '    at handler'] },
    },
    {
      name: 'a Handled error from the Python runtime (stackTrace)',
      header: 'Handled',
      payload: JSON.stringify({ errorMessage: 'bad', errorType: 'ValueError', requestId: 'r', stackTrace: ['  File "app.py", line 3'] }),
      error: { errorType: 'ValueError', errorMessage: 'bad', trace: ['  File "app.py", line 3'] },
    },
    {
      name: 'a timeout',
      header: 'Unhandled',
      payload: JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: r Error: Task timed out after 3.00 seconds' }),
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: r Error: Task timed out after 3.00 seconds' },
    },
    {
      name: 'a payload that is not JSON',
      header: 'Unhandled',
      payload: 'error running docker: connection refused',
      error: { errorType: 'Runtime.Unknown', errorMessage: 'error running docker: connection refused' },
    },
  ])('turns FunctionError with $name into a function-error result', async ({ header, payload, error }) => {
    api.respondWith({ kind: 'function-error', functionError: header, payload });
    const result = functionError(await lambdaInvoker(client, { functionName: 'orders' }).invoke({}));
    expect(result.functionError).toBe(header);
    expect(result.error).toEqual(error);
  });

  it.each([
    { name: 'TooManyRequestsException (429)', response: throttled, code: 'Throttled', retryable: true, status: 429 },
    { name: 'RequestEntityTooLargeException (413)', response: tooLarge, code: 'RequestEntityTooLarge', retryable: false, status: 413 },
    { name: 'ResourceNotFoundException (404)', response: notFound('orders'), code: 'InvokerUnavailable', retryable: false, status: 404 },
    { name: 'ServiceException (500)', response: serviceError, code: 'InvokerUnavailable', retryable: true, status: 500 },
  ])('throws $code for $name, invoking exactly once (no SDK retries)', async ({ response, code, retryable, status }) => {
    api.respondWith(response);
    const err = await thrown(lambdaInvoker(client, { functionName: 'orders' }).invoke({}));
    expect(err).toMatchObject({ code, retryable });
    expect(err.cause).toMatchObject({ $metadata: { httpStatusCode: status, attempts: 1 } });
    expect(api.invocations).toHaveLength(1);
  });

  it('throws a retryable InvokerUnavailable when the endpoint refuses connections', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = createLambdaClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials });
    try {
      const err = await thrown(lambdaInvoker(refused, { functionName: 'orders' }).invoke({}));
      expect(err).toMatchObject({ code: 'InvokerUnavailable', retryable: true });
    } finally {
      refused.destroy();
    }
  });

  it("passes the caller's signal to the SDK: an abort ends a hanging invoke with the abort reason", async () => {
    api.respondWith({ kind: 'hang' });
    const controller = new AbortController();
    const pending = lambdaInvoker(client, { functionName: 'orders' }).invoke({}, { signal: controller.signal });
    await vi.waitFor(() => expect(api.invocations).toHaveLength(1));
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
  });

  it("gives up on an answer that never comes past the function's timeout plus the margin", async () => {
    api.respondWith({ kind: 'hang' });
    const invoker = lambdaInvoker(client, { functionName: 'orders' }, silentLogger, { timeout: 0.1, responseMarginMs: 100 });
    const started = performance.now();
    const err = await thrown(invoker.invoke({}));
    expect(err).toMatchObject({ code: 'InvokerUnavailable', retryable: true });
    expect(err.message).toContain('within 200 ms');
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('logs the log tail Lambda returns, line by line, at debug', async () => {
    const { logger, entries } = captureLogger();
    api.respondWith({ kind: 'result', payload: 'null', log: 'START RequestId: r\nhello from the function\nEND RequestId: r\n' });
    await lambdaInvoker(client, { functionName: 'orders' }, logger).invoke({});
    expect(entries()).toContainEqual(expect.objectContaining({ msg: 'function.log', line: 'hello from the function' }));
  });

  describe('invokeWithThrottleRetry', () => {
    it('backs off after a 429 and invokes again: two requests at the server, then success', async () => {
      api.respondWith(throttled, { kind: 'result', payload: '{"ok":true}' });
      const onThrottle = vi.fn();
      const result = await invokeWithThrottleRetry(lambdaInvoker(client, { functionName: 'orders' }), { n: 1 }, {
        signal: new AbortController().signal,
        minDelayMs: 5,
        onThrottle,
      });
      expect(result).toMatchObject({ status: 'success', payload: { ok: true } });
      expect(api.invocations).toHaveLength(2);
      expect(api.invocations.map((i) => i.body)).toEqual(['{"n":1}', '{"n":1}']);
      expect(onThrottle).toHaveBeenCalledTimes(1);
      expect(onThrottle.mock.calls[0]?.[0]).toMatchObject({ attempt: 1, error: { code: 'Throttled' } });
    });

    it('returns a function error as it is, without invoking again', async () => {
      api.respondWith({ kind: 'function-error', functionError: 'Unhandled', payload: '{"errorType":"Error","errorMessage":"boom"}' });
      const result = await invokeWithThrottleRetry(lambdaInvoker(client, { functionName: 'orders' }), {}, { signal: new AbortController().signal, minDelayMs: 5 });
      expect(functionError(result).error).toEqual({ errorType: 'Error', errorMessage: 'boom' });
      expect(api.invocations).toHaveLength(1);
    });

    it('does not retry other errors, retryable or not', async () => {
      api.respondWith(serviceError, { kind: 'result', payload: 'null' });
      const err = await thrown(
        invokeWithThrottleRetry(lambdaInvoker(client, { functionName: 'orders' }), {}, { signal: new AbortController().signal, minDelayMs: 5 }),
      );
      expect(err).toMatchObject({ code: 'InvokerUnavailable', retryable: true });
      expect(api.invocations).toHaveLength(1);
    });

    it('keeps retrying throttles until the signal aborts, then rejects with its reason', async () => {
      api.respondWith(throttled);
      const controller = new AbortController();
      const pending = invokeWithThrottleRetry(lambdaInvoker(client, { functionName: 'orders' }), {}, {
        signal: controller.signal,
        minDelayMs: 1,
        maxDelayMs: 5,
        onThrottle: ({ attempt }) => {
          if (attempt === 4) controller.abort(new Error('stop'));
        },
      });
      await expect(pending).rejects.toThrow('stop');
      expect(api.invocations).toHaveLength(4);
    });
  });
});

describe('Lambda Invoke API on moto', () => {
  const emulator = useEmulator('moto');
  let client: ReturnType<typeof createLambdaClient>;
  let arn: string;
  // Unique names: an emulator given by SLUICE_TEST_ENDPOINT outlives the run.
  const echo = `sluice-echo-${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    const emu = emulator();
    await useLambdaWithoutDocker(emu);
    client = createLambdaClient({ region: emu.region, endpoint: emu.endpoint, credentials: emu.credentials });
    const role = await createRole(emu, `${echo}-role`);
    ({ arn } = await createEchoFunction(client, echo, role));
  });
  afterAll(() => client.destroy());

  it.each([
    { name: 'name', config: () => ({ functionName: echo }) },
    { name: 'ARN', config: () => ({ functionName: arn }) },
    { name: 'alias qualifier', config: () => ({ functionName: echo, qualifier: 'live' }) },
  ])('invokes by $name and returns the response', async ({ config }) => {
    const invoker = lambdaInvoker(client, config());
    const event = { Records: [{ messageId: 'm-1', body: 'hello' }] };
    const result = await invoker.invoke(event);
    expect(result).toMatchObject({ status: 'success', payload: event });
    expect(result.requestId).not.toBe('');
  });

  it('invokes with InvocationType Event', async () => {
    const result = await lambdaInvoker(client, { functionName: echo }).invoke({ a: 1 }, { invocationType: 'Event' });
    expect(result).toMatchObject({ status: 'success', payload: null });
  });

  it.each([
    { name: 'the function', qualifier: undefined },
    { name: 'its alias', qualifier: 'live' },
    { name: 'its version', qualifier: '1' },
  ])('check() proves $name exists', async ({ qualifier }) => {
    const config = qualifier === undefined ? { functionName: echo } : { functionName: echo, qualifier };
    await expect(lambdaInvoker(client, config).check?.()).resolves.toBeUndefined();
  });

  it.each([
    { name: 'a missing function', config: () => ({ functionName: `${echo}-missing` }) },
    { name: 'a missing version', config: () => ({ functionName: echo, qualifier: '9' }) },
  ])('check() fails for $name with ResourceNotFoundException as the cause', async ({ config }) => {
    const err = await thrown(lambdaInvoker(client, config()).check?.() ?? Promise.resolve());
    expect(err).toMatchObject({ code: 'InvokerUnavailable', retryable: false });
    expect(err.cause).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
  });
});
