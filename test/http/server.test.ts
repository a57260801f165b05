import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, DEFAULT_HTTP_PORT, type HttpServer } from '../../src/http/server.js';
import { json, parseJsonBody, text } from '../../src/http/respond.js';
import { silentLogger } from '../../src/log.js';
import { send } from './request.js';

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(setup: (s: HttpServer) => void): Promise<string> {
  server = createHttpServer({ host: '127.0.0.1', port: 0, logger: silentLogger });
  setup(server);
  const { url } = await server.listen();
  return url;
}

/** Sends raw bytes and returns the first response line. */
function rawStatusLine(url: string, raw: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw));
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\r\n')) {
        resolve(data.slice(0, data.indexOf('\r\n')));
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

describe('createHttpServer', () => {
  it('defaults to port 9323', () => {
    expect(DEFAULT_HTTP_PORT).toBe(9323);
  });

  it('routes exact paths and prefixes (rest decoded), exact before prefix', async () => {
    const url = await start((s) => {
      s.route('GET', '/healthz', () => text(200, 'ok'));
      s.route('POST', '/sns/*', (req) => json(200, { rest: req.rest, body: req.body.toString('utf8'), q: req.query.get('q') }));
      s.route('POST', '/sns/special', () => json(200, { special: true }));
    });
    expect((await send(`${url}/healthz`)).body).toBe('ok');
    const routed = await send(`${url}/sns/my%20mapping?q=1`, { body: 'hello' });
    expect(JSON.parse(routed.body)).toEqual({ rest: 'my mapping', body: 'hello', q: '1' });
    expect(JSON.parse((await send(`${url}/sns/special`, { body: '' })).body)).toEqual({ special: true });
  });

  it.each([
    ['an unknown path', '/nope', 'GET', 404],
    ['the prefix itself (no mapping name)', '/sns', 'POST', 404],
    ['a wrong method', '/healthz', 'POST', 405],
  ])('answers %s with %i', async (_what, path, method, status) => {
    const url = await start((s) => {
      s.route('GET', '/healthz', () => text(200, 'ok'));
      s.route('POST', '/sns/*', () => text(200, 'x'));
    });
    const response = await send(`${url}${path}`, { method, ...(method === 'POST' ? { body: '{}' } : {}) });
    expect(response.status).toBe(status);
    if (status === 405) expect(response.headers['allow']).toBe('GET');
    expect(JSON.parse(response.body)).toHaveProperty('error');
  });

  it.each([
    ['declared by content-length', false],
    ['sent chunked', true],
  ])('answers 413 to a body over the route limit (%s) without calling the handler', async (_what, chunked) => {
    let called = 0;
    const url = await start((s) =>
      s.route(
        'POST',
        '/small',
        () => {
          called += 1;
          return text(200, 'ok');
        },
        { maxBodyBytes: 1024 },
      ),
    );
    const response = await send(`${url}/small`, { body: Buffer.alloc(300 * 1024, 'a'), chunked });
    expect(response.status).toBe(413);
    expect(called).toBe(0);
    // The listener still serves after refusing.
    expect((await send(`${url}/small`, { body: 'fine' })).status).toBe(200);
  });

  it('accepts a body of exactly the limit', async () => {
    const url = await start((s) => s.route('POST', '/small', (req) => json(200, { size: req.body.length }), { maxBodyBytes: 1024 }));
    const response = await send(`${url}/small`, { body: Buffer.alloc(1024, 'a') });
    expect(JSON.parse(response.body)).toEqual({ size: 1024 });
  });

  it('answers 500 when a handler throws, and keeps serving', async () => {
    const url = await start((s) => {
      s.route('GET', '/boom', () => {
        throw new Error('handler bug');
      });
      s.route('GET', '/async-boom', async () => Promise.reject(new Error('async bug')));
      s.route('GET', '/ok', () => text(200, 'ok'));
    });
    expect((await send(`${url}/boom`)).status).toBe(500);
    expect((await send(`${url}/async-boom`)).status).toBe(500);
    expect((await send(`${url}/ok`)).status).toBe(200);
  });

  it('answers 400 to a malformed request URL and to garbage, and keeps serving', async () => {
    const url = await start((s) => s.route('GET', '/ok', () => text(200, 'ok')));
    expect(await rawStatusLine(url, 'GET /%E0%A4%A HTTP/1.1\r\nhost: x\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawStatusLine(url, 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect((await send(`${url}/ok`)).status).toBe(200);
  });

  it('parseJsonBody turns malformed or empty JSON into 400', async () => {
    const url = await start((s) =>
      s.route('POST', '/json', (req) => {
        const parsed = parseJsonBody(req);
        return parsed.ok ? json(200, parsed.value) : parsed.response;
      }),
    );
    expect((await send(`${url}/json`, { body: '{"a":1}' })).body).toBe('{"a":1}');
    expect((await send(`${url}/json`, { body: '{"a":' })).status).toBe(400);
    expect((await send(`${url}/json`, { body: '' })).status).toBe(400);
  });

  it('adds and removes routes while listening', async () => {
    const url = await start(() => undefined);
    expect((await send(`${url}/later`)).status).toBe(404);
    const remove = server?.route('GET', '/later', () => text(200, 'here')) ?? (() => undefined);
    expect((await send(`${url}/later`)).status).toBe(200);
    remove();
    expect((await send(`${url}/later`)).status).toBe(404);
  });

  it('refuses a duplicate route and a malformed pattern', async () => {
    await start((s) => s.route('GET', '/x', () => text(200, '')));
    expect(() => server?.route('GET', '/x', () => text(200, ''))).toThrow(/already exists/);
    expect(() => server?.route('GET', 'x', () => text(200, ''))).toThrow(/must start with/);
    expect(() => server?.route('GET', '/a/*/b', () => text(200, ''))).toThrow(/last segment/);
  });

  it('reports a port in use as HttpListenFailed', async () => {
    const url = await start(() => undefined);
    const other = createHttpServer({ host: '127.0.0.1', port: Number(new URL(url).port), logger: silentLogger });
    await expect(other.listen()).rejects.toMatchObject({ code: 'HttpListenFailed' });
  });

  it('close() resolves and frees the port; url is unset', async () => {
    const url = await start((s) => s.route('GET', '/ok', () => text(200, 'ok')));
    await server?.close();
    expect(server?.url).toBeUndefined();
    await expect(send(`${url}/ok`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
