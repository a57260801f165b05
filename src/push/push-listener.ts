import type { Config } from '../config/types.js';
import { createHttpServer, type HttpServer } from '../http/server.js';
import type { Logger } from '../log.js';
import { createPushRuntime, type PushRuntime, type PushSettings } from './push-runtime.js';

/**
 * The one HTTP listener and the push runtime on it, each started on first need: at start-up
 * when live S3 or SNS mappings (or the ops endpoints) need them, or later, when a config reload
 * adds the first such mapping. Starting twice returns what the first start made.
 */
export interface PushListener {
  /** The listener, once listening. */
  readonly http: HttpServer | undefined;
  /** The push runtime, once started. */
  readonly push: PushRuntime | undefined;
  /** The listener's base URL, once listening. */
  readonly url: string | undefined;
  /** Starts listening on `config.http` (once; a failed start can be tried again). */
  listen(): Promise<HttpServer>;
  /** Starts listening and the push runtime (routes `/s3`, `/s3/*`, `/sns/*`) on it. */
  startPush(): Promise<PushRuntime>;
  /** Removes the push routes and closes the listener. */
  close(): Promise<void>;
}

export interface PushListenerOptions {
  readonly config: Config;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly settings?: PushSettings;
}

export function createPushListener(options: PushListenerOptions): PushListener {
  const { config, logger } = options;
  let http: HttpServer | undefined;
  let listening: Promise<HttpServer> | undefined;
  let push: PushRuntime | undefined;
  let closed = false;

  const listen = (): Promise<HttpServer> => {
    listening ??= (async () => {
      const server = createHttpServer({ host: config.http.host, port: config.http.port, logger: logger.child({ component: 'http' }) });
      await server.listen();
      http = server;
      return server;
    })().catch((err: unknown) => {
      listening = undefined;
      throw err;
    });
    return listening;
  };

  return {
    get http() {
      return http;
    },
    get push() {
      return push;
    },
    get url() {
      return http?.url;
    },
    listen,
    async startPush() {
      const server = await listen();
      if (closed) throw new Error('the push listener is closed');
      push ??= createPushRuntime({
        config,
        env: options.env,
        http: server,
        baseUrl: server.url ?? '',
        logger: logger.child({ component: 'push' }),
        ...(options.settings ? { settings: options.settings } : {}),
      });
      return push;
    },
    async close() {
      closed = true;
      push?.close();
      await (listening ?? Promise.resolve(undefined)).then(
        (server) => server?.close(),
        () => undefined,
      );
    },
  };
}
