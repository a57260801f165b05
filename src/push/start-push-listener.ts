import type { Config, Mapping } from '../config/types.js';
import { createHttpServer, type HttpServer } from '../http/server.js';
import type { Logger } from '../log.js';
import { createPushRuntime, type PushRuntime, type PushSettings } from './push-runtime.js';
import { needsHttp } from './run-push-mapping.js';

export interface PushListener {
  readonly http: HttpServer;
  readonly push: PushRuntime;
  readonly url: string;
  /** Removes the push routes and closes the listener. */
  close(): Promise<void>;
}

export interface StartPushListenerOptions {
  readonly config: Config;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /** The mappings about to run live (replayed ones need no listener). */
  readonly mappings: readonly Mapping[];
  readonly settings?: PushSettings;
}

/**
 * Starts the HTTP listener (`config.http.host` / `port`) and the push runtime when a live
 * S3 or SNS mapping needs them; undefined otherwise.
 */
export async function startPushListener(options: StartPushListenerOptions): Promise<PushListener | undefined> {
  if (!options.mappings.some(needsHttp)) return undefined;
  const { config, logger } = options;
  const http = createHttpServer({ host: config.http.host, port: config.http.port, logger: logger.child({ component: 'http' }) });
  const { url } = await http.listen();
  const push = createPushRuntime({
    config,
    env: options.env,
    http,
    baseUrl: url,
    logger: logger.child({ component: 'push' }),
    ...(options.settings ? { settings: options.settings } : {}),
  });
  return {
    http,
    push,
    url,
    async close() {
      push.close();
      await http.close();
    },
  };
}
