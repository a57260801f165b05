import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SluiceError } from '../errors.js';
import type { Logger } from '../log.js';
import { problem, type HttpHandler, type HttpRequest, type HttpResponse } from './respond.js';
import { createRouter, type HttpMethod, type RouteOptions } from './router.js';

export type { HttpMethod, RouteOptions } from './router.js';
export type { HttpHandler, HttpRequest, HttpResponse } from './respond.js';

/**
 * sluice's default port (`http.port` in the config), 9323: not registered to anything in common
 * use and clear of the ports local stacks take (LocalStack 4566, moto 5000, ElasticMQ 9324/9325,
 * DynamoDB Local 8000, kinesis-mock 4567/4568, MinIO 9000/9001, and the usual 3000/5173/8080).
 */
export { DEFAULT_HTTP_PORT } from '../config/schema.js';

export interface HttpServerOptions {
  /** Interface to bind; `127.0.0.1` keeps sluice off the network. */
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly logger: Logger;
  /** A request (headers and body) must arrive within this; default 30 s. */
  readonly requestTimeoutMs?: number;
  /** `close()` waits this long for in-flight requests before cutting connections; default 5 s. */
  readonly closeTimeoutMs?: number;
}

export interface HttpServer {
  /**
   * Adds a route: an exact path (`/healthz`) or a prefix (`/sns/*`, the rest of the path in
   * `request.rest`). Returns a function that removes it. Routes may be added before or after `listen`.
   */
  route(method: HttpMethod, pattern: string, handler: HttpHandler, options?: RouteOptions): () => void;
  /** Starts listening; resolves with the base URL (`http://127.0.0.1:9323`). */
  listen(): Promise<{ readonly url: string }>;
  /** The base URL once listening. */
  readonly url: string | undefined;
  /** Stops accepting connections, lets in-flight requests finish (within `closeTimeoutMs`), then closes. */
  close(): Promise<void>;
}

/**
 * The one HTTP listener (node:http): push deliveries, and later health, metrics and control
 * endpoints, all through `route`. It never crashes on bad input: a malformed URL gets 400, an
 * unknown path 404, a wrong method 405, an oversized body 413 (before the handler runs), and a
 * handler that throws 500 (logged).
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { logger } = options;
  const router = createRouter();
  const inFlight = new Set<AbortController>();
  let url: string | undefined;
  const server = createServer({ requestTimeout: options.requestTimeoutMs ?? 30_000, headersTimeout: Math.min(options.requestTimeoutMs ?? 30_000, 30_000) });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void serve(req, res).catch((err: unknown) => {
      logger.error({ err }, 'http request failed');
      if (!res.headersSent) send(res, req.method ?? 'GET', problem(500, 'InternalError', 'internal error'));
      else res.destroy();
    });
  });
  server.on('clientError', (err, socket) => {
    logger.debug({ err }, 'http client error');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    let path: string;
    let query: URLSearchParams;
    try {
      const parsed = new URL(req.url ?? '/', 'http://sluice.invalid');
      path = decodeURIComponent(parsed.pathname);
      query = parsed.searchParams;
    } catch {
      discard(req);
      send(res, method, problem(400, 'BadRequest', 'malformed request URL'), true);
      return;
    }
    const match = router.match(method, path);
    if (match.kind === 'not-found') {
      discard(req);
      send(res, method, problem(404, 'NotFound', `no endpoint at ${path}`));
      return;
    }
    if (match.kind === 'method-not-allowed') {
      discard(req);
      send(res, method, problem(405, 'MethodNotAllowed', `${method} is not allowed on ${path}`, { allow: match.allow.join(', ') }));
      return;
    }
    const { route, rest } = match;
    const body = await readBody(req, route.maxBodyBytes);
    if (body === 'too-large') {
      send(res, method, problem(413, 'PayloadTooLarge', `the body is larger than ${route.maxBodyBytes} bytes`), !req.complete);
      return;
    }
    if (body === 'aborted') return;
    const controller = new AbortController();
    inFlight.add(controller);
    res.once('close', () => {
      if (!res.writableFinished) controller.abort(new SluiceError('ClientGone', 'the client closed the connection'));
      inFlight.delete(controller);
    });
    const request: HttpRequest = {
      method,
      path,
      rest,
      query,
      headers: req.headers,
      body,
      remoteAddress: req.socket.remoteAddress ?? '',
      signal: controller.signal,
    };
    let response: HttpResponse;
    try {
      response = await route.handler(request);
    } catch (err) {
      logger.error({ err, method, path }, 'http handler threw');
      response = problem(500, 'InternalError', 'internal error');
    }
    if (response.status >= 400) logger.info({ method, path, status: response.status, body: response.body?.toString() }, 'http request refused');
    else logger.debug({ method, path, status: response.status }, 'http request');
    if (!res.destroyed) send(res, method, response);
  }

  return {
    route: (method, pattern, handler, routeOptions) => router.add(method, pattern, handler, routeOptions),
    get url() {
      return url;
    },
    listen() {
      return new Promise((resolve, reject) => {
        const onError = (err: Error): void => {
          reject(new SluiceError('HttpListenFailed', `cannot listen on ${options.host}:${options.port}: ${err.message}`, { cause: err }));
        };
        server.once('error', onError);
        server.listen(options.port, options.host, () => {
          server.off('error', onError);
          server.on('error', (err) => logger.error({ err }, 'http server error'));
          const address = server.address() as AddressInfo;
          url = `http://${displayHost(options.host)}:${address.port}`;
          logger.info({ url, host: options.host, port: address.port }, 'http listening');
          resolve({ url });
        });
      });
    },
    async close() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        for (const controller of inFlight) controller.abort(new SluiceError('ServerClosing', 'the http server is closing'));
        server.closeAllConnections();
      }, options.closeTimeoutMs ?? 5_000);
      await closed;
      clearTimeout(timer);
      url = undefined;
    },
  };
}

/** A hostname fit for a URL: wildcard binds are reached through loopback, IPv6 literals get brackets. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Reads the body up to `limit` bytes: the body, `too-large`, or `aborted`. The rest of a
 * too-large body is read and dropped (up to a hard cap, past which the connection is cut
 * after answering), so the client sees the 413 instead of a reset while it is still sending.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  const cap = Math.max(limit * 4, 8 * 1024 * 1024);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) return Promise.resolve('too-large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (value: Buffer | 'too-large' | 'aborted'): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > cap) {
        req.pause();
        settle('too-large');
      } else if (size <= limit) {
        chunks.push(chunk);
      }
    };
    req.on('data', onData);
    req.once('end', () => settle(size > limit ? 'too-large' : Buffer.concat(chunks, size)));
    req.once('error', () => settle('aborted'));
    req.once('close', () => settle(!req.complete ? 'aborted' : size > limit ? 'too-large' : Buffer.concat(chunks, size)));
  });
}

/** Drops a body nobody will read, so the connection can be reused. */
function discard(req: IncomingMessage): void {
  req.on('error', () => undefined);
  req.resume();
}

function send(res: ServerResponse, method: string, response: HttpResponse, closeConnection = false): void {
  const body = response.body === undefined ? undefined : typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  const headers: Record<string, string | number> = { ...response.headers };
  if (body !== undefined) headers['content-length'] = body.length;
  if (closeConnection) headers['connection'] = 'close';
  res.writeHead(response.status, headers);
  if (method === 'HEAD' || body === undefined) res.end();
  else res.end(body);
}
