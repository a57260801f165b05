import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig, resolveEndpoint } from '../aws/client-config.js';
import type { Config } from '../config/types.js';
import { json, parseJsonBody, problem, type HttpHandler, type HttpRequest, type HttpResponse } from '../http/respond.js';
import type { HttpServer } from '../http/server.js';
import type { Logger } from '../log.js';
import { parseS3Notification } from '../events/s3.js';
import { subscribeUrlOrigins } from './sns-confirm.js';
import { SNS_MAX_BODY_BYTES } from './sns-delivery.js';
import { createSnsSignatureVerifier, snsServiceHost, type SnsSignatureVerifier } from './sns-signature.js';

/** Knobs of the push runtime that tests (and embedders) set; everything has a default. */
export interface PushSettings {
  /** Delay before retry n of a failed asynchronous invocation (ms); default Lambda's 1 and 2 minutes. */
  readonly retryDelayMs?: (retry: number) => number;
  /** Invocations at once per push mapping; default 10. */
  readonly concurrency?: number;
  /** Extra CA certificates trusted when fetching SNS signing certificates (a test's loopback https server). */
  readonly certificateCa?: string | Buffer;
  /** Pause before polling a notification queue again after the intake was full (ms); default 1,000. */
  readonly fullBackoffMs?: number;
}

/** What push mappings share: the listener's routes, AWS clients, and the SNS signature verifier. */
export interface PushRuntime {
  /** Where the listener is reachable, e.g. `http://127.0.0.1:9323`: default subscription endpoints hang off it. */
  readonly baseUrl: string;
  readonly settings: PushSettings;
  /** The SNS endpoint when a custom one is configured (an emulator): signatures are then not checked by default. */
  readonly snsEndpoint: string | undefined;
  readonly verifier: SnsSignatureVerifier;
  readonly subscribeUrlOrigins: readonly string[];
  /** Serves `POST /s3/<mapping>` (and `POST /s3` for records of `bucket`) until the returned function is called. */
  registerS3(mapping: string, bucket: string, handler: HttpHandler): () => void;
  /** Serves `POST /sns/<mapping>` until the returned function is called. */
  registerSns(mapping: string, handler: HttpHandler): () => void;
  sns(): SNSClient;
  sqs(): SQSClient;
  /**
   * A push mapping announces it is starting (before its first await); call the returned
   * function once it serves (endpoint registered, subscription created, queue found) or failed.
   */
  starting(mapping: string): () => void;
  /** Resolves once every mapping that announced itself has started (or failed). */
  ready(): Promise<void>;
  /**
   * sluice is shutting down: a mapping that stops keeps its endpoint, answering 503 (its intake
   * is closed), until `close`. Senders retry a 503 and may drop on a 404 (SNS does not retry
   * most 4xx), so an idle mapping that stopped first must not answer "unknown mapping" while
   * others still drain.
   */
  shuttingDown(): void;
  /** Removes the routes and releases the clients. */
  close(): void;
}

export interface PushRuntimeOptions {
  readonly config: Config;
  readonly env: NodeJS.ProcessEnv;
  readonly http: HttpServer;
  readonly baseUrl: string;
  readonly logger: Logger;
  readonly settings?: PushSettings;
}

/** S3 notification bodies are small; the limit leaves room for SNS-wrapped ones. */
const S3_MAX_BODY_BYTES = Math.max(1024 * 1024, SNS_MAX_BODY_BYTES);

/**
 * Creates the push runtime and its routes: `POST /s3/<mapping>`, `POST /s3` (routed by the
 * records' bucket names to every mapping of that bucket) and `POST /sns/<mapping>`. An unknown
 * mapping or bucket gets 404.
 */
export function createPushRuntime(options: PushRuntimeOptions): PushRuntime {
  const { config, env, http, logger } = options;
  const settings = options.settings ?? {};
  const s3 = new Map<string, { bucket: string; handler: HttpHandler }>();
  const sns = new Map<string, HttpHandler>();
  const snsEndpoint = resolveEndpoint('sns', config, env);
  const pending = new Map<string, Promise<void>>();
  let shuttingDown = false;
  let snsClient: SNSClient | undefined;
  let sqsClient: SQSClient | undefined;

  const byMapping =
    (table: ReadonlyMap<string, HttpHandler | { handler: HttpHandler }>, kind: string): HttpHandler =>
    (request) => {
      const entry = table.get(request.rest);
      if (!entry) return problem(404, 'UnknownMapping', `no ${kind} mapping named ${JSON.stringify(request.rest)}`);
      return typeof entry === 'function' ? entry(request) : entry.handler(request);
    };
  const routes = [
    http.route('POST', '/s3/*', byMapping(s3, 's3'), { maxBodyBytes: S3_MAX_BODY_BYTES }),
    http.route('POST', '/s3', (request) => routeByBucket(request, s3), { maxBodyBytes: S3_MAX_BODY_BYTES }),
    http.route('POST', '/sns/*', byMapping(sns, 'sns'), { maxBodyBytes: SNS_MAX_BODY_BYTES }),
  ];

  // A restarted mapping registers again while its old run may still drain: the new one takes over the path.
  const register = <T>(table: Map<string, T>, name: string, entry: T): (() => void) => {
    table.set(name, entry);
    return () => {
      if (!shuttingDown && table.get(name) === entry) table.delete(name);
    };
  };

  return {
    baseUrl: options.baseUrl,
    settings,
    snsEndpoint,
    verifier: createSnsSignatureVerifier({
      certificateHosts: [snsServiceHost(config.region), ...(config.sns?.certificateHosts ?? [])],
      ...(settings.certificateCa ? { ca: settings.certificateCa } : {}),
    }),
    subscribeUrlOrigins: subscribeUrlOrigins(config.region, snsEndpoint),
    registerS3: (mapping, bucket, handler) => register(s3, mapping, { bucket, handler }),
    registerSns: (mapping, handler) => register(sns, mapping, handler),
    sns: () => (snsClient ??= new SNSClient(clientConfig('sns', config, env))),
    sqs: () => (sqsClient ??= new SQSClient(clientConfig('sqs', config, env))),
    starting(mapping) {
      let done: () => void = () => undefined;
      pending.set(mapping, new Promise<void>((resolve) => {
        done = resolve;
      }));
      return () => done();
    },
    async ready() {
      await Promise.all(pending.values());
    },
    shuttingDown() {
      shuttingDown = true;
    },
    close() {
      for (const remove of routes) remove();
      snsClient?.destroy();
      sqsClient?.destroy();
      logger.debug('push runtime closed');
    },
  };
}

/**
 * `POST /s3`: one notification body handed to every mapping whose bucket it names (the
 * S3-compatible server needs one webhook URL for all buckets). The answer is the first
 * refusal if any mapping refused (so the sender retries), else the last acceptance.
 */
async function routeByBucket(request: HttpRequest, s3: ReadonlyMap<string, { bucket: string; handler: HttpHandler }>): Promise<HttpResponse> {
  const parsed = parseJsonBody(request);
  if (!parsed.ok) return parsed.response;
  let buckets: Set<string>;
  try {
    const notification = parseS3Notification(parsed.value);
    if ('testEvent' in notification) {
      const bucket = (parsed.value as { Bucket?: unknown }).Bucket;
      return json(200, { testEvent: true, bucket: typeof bucket === 'string' ? bucket : null });
    }
    buckets = new Set(notification.map((r) => r.s3.bucket.name));
  } catch (err) {
    return problem(400, 'InvalidS3Notification', err instanceof Error ? err.message : String(err));
  }
  const targets = [...s3.values()].filter((entry) => buckets.has(entry.bucket));
  if (targets.length === 0) return problem(404, 'UnknownBucket', `no s3 mapping for bucket ${[...buckets].map((b) => JSON.stringify(b)).join(', ')}`);
  let answer: HttpResponse | undefined;
  for (const target of targets) {
    const response = await target.handler(request);
    if (response.status >= 300) return response;
    answer = response;
  }
  return answer ?? json(200, {});
}
