import { timingSafeEqual } from 'node:crypto';
import { SluiceError } from '../errors.js';
import { header, json, problem, text, type HttpRequest, type HttpResponse } from '../http/respond.js';
import type { HttpServer } from '../http/server.js';
import { labelsOf } from './instrument-context.js';
import type { MappingController } from './mapping-controller.js';
import { mappingStatus } from './mapping-status.js';
import type { SluiceMetrics } from './metrics.js';

export interface OpsRoutesOptions {
  readonly http: HttpServer;
  readonly controller: MappingController;
  readonly metrics: SluiceMetrics;
  /** `http.token`: when set, the control endpoints need `Authorization: Bearer <token>`. */
  readonly token?: string;
}

/** Why a mapping is not ready, for `/readyz`. */
export interface NotReady {
  readonly mapping: string;
  readonly reason: string;
}

/**
 * The operating endpoints on the one HTTP listener: `GET /healthz` (alive), `GET /readyz`
 * (every enabled mapping started, not waiting for its source, and its function loaded at its
 * last invocation; functions are checked before a mapping starts), `GET /metrics`
 * (Prometheus), `GET /mappings[/NAME]` (status) and `POST /mappings/NAME/disable|enable`.
 * Returns a function that removes them.
 */
export function registerOpsRoutes(options: OpsRoutesOptions): () => void {
  const { http, controller, metrics } = options;
  const authorized = (request: HttpRequest): HttpResponse | undefined => {
    if (options.token === undefined) return undefined;
    const given = Buffer.from(header(request, 'authorization') ?? '');
    const wanted = Buffer.from(`Bearer ${options.token}`);
    if (given.length === wanted.length && timingSafeEqual(given, wanted)) return undefined;
    return problem(401, 'Unauthorized', 'this endpoint needs "Authorization: Bearer <http.token>"', { 'www-authenticate': 'Bearer' });
  };
  const removers = [
    http.route('GET', '/healthz', () => json(200, { status: 'ok' })),
    http.route('GET', '/readyz', () => {
      const notReady = readiness(controller);
      return json(notReady.length === 0 ? 200 : 503, { ready: notReady.length === 0, configLoaded: true, notReady });
    }),
    http.route('GET', '/metrics', async () => {
      metrics.sync(controller.handles().map((h) => ({ labels: labelsOf(h.mapping), stats: h.stats })));
      const { contentType, body } = await metrics.scrape();
      return text(200, body, { 'content-type': contentType });
    }),
    http.route('GET', '/mappings', () => json(200, { mappings: controller.handles().map(mappingStatus) })),
    http.route('GET', '/mappings/*', (request) => {
      const handle = controller.get(request.rest);
      return handle ? json(200, mappingStatus(handle)) : problem(404, 'UnknownMapping', `no mapping named ${JSON.stringify(request.rest)}`);
    }),
    http.route(
      'POST',
      '/mappings/*',
      async (request) => {
        const denied = authorized(request);
        if (denied) return denied;
        const match = /^(.+)\/(enable|disable)$/.exec(request.rest);
        if (!match?.[1]) return problem(404, 'NotFound', 'use POST /mappings/NAME/enable or /mappings/NAME/disable');
        const [, name, action] = match;
        if (!controller.get(name)) return problem(404, 'UnknownMapping', `no mapping named ${JSON.stringify(name)}`);
        try {
          const handle = action === 'disable' ? await controller.disable(name) : controller.enable(name);
          return json(200, mappingStatus(handle));
        } catch (err) {
          if (err instanceof SluiceError) return problem(409, err.code, err.message);
          throw err;
        }
      },
      { maxBodyBytes: 4096 },
    ),
  ];
  return () => {
    for (const remove of removers) remove();
  };
}

/** The mappings that are not ready, and why (disabled mappings are not expected to be). */
export function readiness(controller: MappingController): NotReady[] {
  const notReady: NotReady[] = [];
  for (const handle of controller.handles()) {
    const name = handle.mapping.name;
    if (controller.isDisabled(name)) continue;
    if (handle.waiting !== undefined) notReady.push({ mapping: name, reason: `waiting for ${handle.waiting}` });
    else if (handle.state === 'Disabled' && handle.stats.lastError !== undefined) notReady.push({ mapping: name, reason: `stopped: ${handle.stats.lastError}` });
    else if (handle.state !== 'Enabled' && handle.state !== 'Disabled') notReady.push({ mapping: name, reason: `state ${handle.state}` });
    else if (handle.stats.functionNotLoadable !== undefined) {
      notReady.push({ mapping: name, reason: `function ${handle.mapping.function} not loadable: ${handle.stats.functionNotLoadable}` });
    }
  }
  return notReady;
}

/** Hosts that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The control endpoints must not be reachable from the network without a token.
 * @throws SluiceError `HttpTokenRequired` when `host` is not loopback and no token is set
 */
export function assertControlIsSafe(host: string, token: string | undefined): void {
  if (token !== undefined || isLoopbackHost(host)) return;
  throw new SluiceError(
    'HttpTokenRequired',
    `http.host is ${host}: the control endpoints would be reachable from the network; set http.token (sent as "Authorization: Bearer <token>") or bind http.host to 127.0.0.1`,
  );
}
