import type { IncomingHttpHeaders } from 'node:http';

/** A request as a route handler sees it: the body already read (within the route's size limit). */
export interface HttpRequest {
  readonly method: string;
  /** The decoded path, without the query string, e.g. `/sns/orders`. */
  readonly path: string;
  /** For a prefix route (`/sns/*`): the decoded rest of the path after the prefix's `/` (`orders`); `''` for exact routes. */
  readonly rest: string;
  readonly query: URLSearchParams;
  /** Node's headers: names lower-cased. */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly remoteAddress: string;
  /** Aborted when the client goes away or the server closes. */
  readonly signal: AbortSignal;
}

/** What a handler returns; the server writes it. */
export interface HttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export type HttpHandler = (request: HttpRequest) => HttpResponse | Promise<HttpResponse>;

/** A JSON response (`application/json; charset=utf-8`). */
export function json(status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) };
}

/** A plain-text response. */
export function text(status: number, body: string, headers: Readonly<Record<string, string>> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
}

/** An error response in one shape everywhere: `{"error": code, "message": ...}`. */
export function problem(status: number, code: string, message: string, headers: Readonly<Record<string, string>> = {}): HttpResponse {
  return json(status, { error: code, message }, headers);
}

export type ParsedJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly response: HttpResponse };

/** The body parsed as JSON, or a 400 response saying why it is not. */
export function parseJsonBody(request: Pick<HttpRequest, 'body'>): ParsedJson {
  const source = request.body.toString('utf8');
  if (source.trim() === '') return { ok: false, response: problem(400, 'MalformedJson', 'the body is empty; expected JSON') };
  try {
    return { ok: true, value: JSON.parse(source) as unknown };
  } catch (err) {
    return { ok: false, response: problem(400, 'MalformedJson', `the body is not JSON: ${err instanceof Error ? err.message : String(err)}`) };
  }
}

/** The first value of a header (Node joins some repeated headers, keeps others as arrays). */
export function header(request: Pick<HttpRequest, 'headers'>, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
