import type { HttpHandler } from './respond.js';

/** Methods a route can answer; `*` answers any. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | '*';

export interface RouteOptions {
  /** Largest body accepted, in bytes; a larger one gets 413 before the handler runs. Default 1 MiB. */
  readonly maxBodyBytes?: number;
}

export interface Route {
  readonly method: HttpMethod;
  /** `/exact/path` or `/prefix/*`. */
  readonly pattern: string;
  readonly handler: HttpHandler;
  readonly maxBodyBytes: number;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly rest: string }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface Router {
  /** Adds a route; returns a function that removes it. Throws when the same method and pattern exist. */
  add(method: HttpMethod, pattern: string, handler: HttpHandler, options?: RouteOptions): () => void;
  /** Exact paths first, then the longest matching prefix. */
  match(method: string, path: string): RouteMatch;
}

/**
 * A tiny router: exact paths (`/healthz`) and prefixes (`/sns/*` matches `/sns/orders` and
 * `/sns/a/b`, with `rest` `orders` / `a/b`; not `/sns` itself).
 */
export function createRouter(): Router {
  const exact = new Map<string, Route[]>();
  const prefixes = new Map<string, Route[]>();

  function tableOf(pattern: string): { table: Map<string, Route[]>; key: string } {
    if (!pattern.startsWith('/')) throw new TypeError(`route pattern must start with "/", got ${JSON.stringify(pattern)}`);
    if (pattern.endsWith('/*')) return { table: prefixes, key: pattern.slice(0, -1) };
    if (pattern.includes('*')) throw new TypeError(`"*" is only allowed as the last segment ("/prefix/*"), got ${JSON.stringify(pattern)}`);
    return { table: exact, key: pattern };
  }

  return {
    add(method, pattern, handler, options = {}) {
      const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
      if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 0) {
        throw new RangeError(`maxBodyBytes must be a whole number >= 0, got ${String(options.maxBodyBytes)}`);
      }
      const { table, key } = tableOf(pattern);
      const routes = table.get(key) ?? [];
      if (routes.some((r) => r.method === method)) throw new Error(`route ${method} ${pattern} already exists`);
      const route: Route = { method, pattern, handler, maxBodyBytes };
      table.set(key, [...routes, route]);
      return () => {
        const left = (table.get(key) ?? []).filter((r) => r !== route);
        if (left.length === 0) table.delete(key);
        else table.set(key, left);
      };
    },
    match(method, path) {
      const candidates: { routes: Route[]; rest: string }[] = [];
      const routes = exact.get(path);
      if (routes) candidates.push({ routes, rest: '' });
      const matchingPrefixes = [...prefixes.keys()].filter((p) => path.startsWith(p) && path.length > p.length).sort((a, b) => b.length - a.length);
      for (const prefix of matchingPrefixes) candidates.push({ routes: prefixes.get(prefix) ?? [], rest: path.slice(prefix.length) });
      const allow = new Set<string>();
      for (const candidate of candidates) {
        const route = candidate.routes.find((r) => r.method === method || r.method === '*' || (method === 'HEAD' && r.method === 'GET'));
        if (route) return { kind: 'found', route, rest: candidate.rest };
        for (const r of candidate.routes) allow.add(r.method);
      }
      if (allow.size > 0) return { kind: 'method-not-allowed', allow: [...allow].sort() };
      return { kind: 'not-found' };
    },
  };
}
