import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionConfig, HttpInvokerConfig } from '../../src/config/types.js';
import { SluiceError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { createHttpInvoker } from '../../src/invokers/http.js';
import type { InvokeResult, Invoker } from '../../src/invokers/invoker.js';

type Route = (req: IncomingMessage, body: string, res: ServerResponse) => void;

const lambdaError = { errorType: 'TypeError', errorMessage: "Cannot read properties of undefined (reading 'id')", trace: ['TypeError: ...', '    at handler (index.mjs:3:20)'] };

const routes: Record<string, Route> = {
  '/json': (_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"batchItemFailures":[{"itemIdentifier":"m-2"}]}'),
  '/text': (_req, _body, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('all good'),
  '/empty': (_req, _body, res) => res.writeHead(200).end(),
  '/echo': (req, body, res) =>
    res
      .writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'req-from-server' })
      .end(JSON.stringify({ body: JSON.parse(body) as unknown, headers: req.headers, method: req.method })),
  '/500': (_req, _body, res) => res.writeHead(500, { 'content-type': 'text/html' }).end(`<h1>Internal Server Error</h1>${'x'.repeat(500)}`),
  '/500-lambda': (_req, _body, res) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(lambdaError)),
  '/unhandled': (_req, _body, res) =>
    res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' }).end(JSON.stringify(lambdaError)),
  '/handled': (_req, _body, res) =>
    res.writeHead(200, { 'x-amz-function-error': 'Handled' }).end(JSON.stringify({ errorType: 'OrderRejected', errorMessage: 'no stock' })),
  '/429': (_req, _body, res) => res.writeHead(429, { 'content-type': 'application/json' }).end('{"message":"Rate Exceeded."}'),
  '/413': (_req, _body, res) => res.writeHead(413).end('Request Entity Too Large'),
  '/slow': () => {
    // Never answers: the invoker's timeout has to end it.
  },
};

let baseUrl: string;
let connections = 0;
const server = createServer((req, res) => {
  void text(req).then((body) => {
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (route === undefined) res.writeHead(404).end('no route');
    else route(req, body, res);
  });
});
server.on('connection', () => {
  connections += 1;
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function invokerFor(path: string, options: { timeout?: number; url?: string } = {}): Invoker {
  const config: HttpInvokerConfig = {
    type: 'http',
    url: options.url ?? `${baseUrl}${path}`,
    headers: { authorization: 'Bearer local-token', 'x-custom': 'yes' },
  };
  const fn: FunctionConfig = { name: 'orders', invoker: config, timeout: options.timeout ?? 5, memorySize: 128, environment: {} };
  return createHttpInvoker({ fn, config, logger: silentLogger });
}

function errorResult(result: InvokeResult): Extract<InvokeResult, { status: 'function-error' }> {
  if (result.status !== 'function-error') throw new Error(`expected a function error, got ${JSON.stringify(result)}`);
  return result;
}

describe('createHttpInvoker', () => {
  it('POSTs the event as JSON with the configured headers', async () => {
    const result = await invokerFor('/echo').invoke({ Records: [{ messageId: 'm-1' }] });
    expect(result).toMatchObject({
      status: 'success',
      requestId: 'req-from-server',
      payload: {
        method: 'POST',
        body: { Records: [{ messageId: 'm-1' }] },
        headers: { 'content-type': 'application/json', authorization: 'Bearer local-token', 'x-custom': 'yes' },
      },
    });
  });

  it.each([
    { path: '/json', payload: { batchItemFailures: [{ itemIdentifier: 'm-2' }] } },
    { path: '/text', payload: 'all good' },
    { path: '/empty', payload: null },
  ])('a 2xx body is the result: $path', async ({ path, payload }) => {
    const result = await invokerFor(path).invoke({});
    expect(result).toMatchObject({ status: 'success', payload });
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    { path: '/unhandled', functionError: 'Unhandled', error: lambdaError },
    { path: '/handled', functionError: 'Handled', error: { errorType: 'OrderRejected', errorMessage: 'no stock' } },
    { path: '/500-lambda', functionError: 'Unhandled', error: lambdaError },
    {
      path: '/500',
      functionError: 'Unhandled',
      error: { errorType: 'HttpError', errorMessage: `HTTP 500: <h1>Internal Server Error</h1>${'x'.repeat(170)}` },
    },
    { path: '/missing', functionError: 'Unhandled', error: { errorType: 'HttpError', errorMessage: 'HTTP 404: no route' } },
  ])('$path is a function error', async ({ path, functionError, error }) => {
    const result = errorResult(await invokerFor(path).invoke({}));
    expect(result.functionError).toBe(functionError);
    expect(result.error).toEqual(error);
  });

  it.each([
    { path: '/429', code: 'Throttled', retryable: true },
    { path: '/413', code: 'RequestEntityTooLarge', retryable: false },
  ])('$path throws $code', async ({ path, code, retryable }) => {
    const err = await invokerFor(path).invoke({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SluiceError);
    expect(err).toMatchObject({ code, retryable });
  });

  it('reports a response slower than the timeout as Sandbox.Timedout', async () => {
    const started = performance.now();
    const result = errorResult(await invokerFor('/slow', { timeout: 0.3 }).invoke({}));
    expect(result.functionError).toBe('Unhandled');
    expect(result.error).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${result.requestId} Error: Task timed out after 0.30 seconds`,
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("rejects with the caller's abort reason, not a timeout", async () => {
    const controller = new AbortController();
    const pending = invokerFor('/slow').invoke({}, { signal: controller.signal });
    controller.abort(new Error('draining'));
    await expect(pending).rejects.toThrow('draining');
  });

  it('throws a retryable InvokerUnavailable when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await invokerFor('', { url: `http://127.0.0.1:${port}/` }).invoke({}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'InvokerUnavailable', retryable: true });
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('keeps the connection alive between invocations', async () => {
    const invoker = invokerFor('/json');
    await invoker.invoke({});
    const before = connections;
    for (let i = 0; i < 5; i += 1) await invoker.invoke({ i });
    expect(connections).toBe(before);
  });
});
