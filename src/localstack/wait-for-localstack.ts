import { resolveEndpoint } from '../aws/client-config.js';
import type { Config, Mapping } from '../config/types.js';
import { SluiceError } from '../errors.js';
import type { Logger } from '../log.js';
import { waitFor } from '../runtime/wait-for.js';

/** LocalStack's edge port: an endpoint on it is taken for LocalStack. */
export const LOCALSTACK_PORT = '4566';

/** Service states in `/_localstack/health` that mean the service answers requests. */
const READY_STATES = new Set(['available', 'running']);

/**
 * LocalStack's endpoint when sluice talks to LocalStack: `LOCALSTACK_HOST` is set, or the
 * resolved endpoint is on port 4566. Otherwise undefined (AWS or another emulator: no
 * health check).
 */
export function localStackEndpoint(config: Pick<Config, 'endpoint'>, env: NodeJS.ProcessEnv): string | undefined {
  const host = env['LOCALSTACK_HOST'];
  // As client-config resolves it, so the origins compare equal.
  if (host) return new URL(host.includes('://') ? host : `http://${host}`).origin;
  const endpoint = config.endpoint ?? env['AWS_ENDPOINT_URL'];
  if (!endpoint) return undefined;
  const parsed = new URL(endpoint);
  return parsed.port === LOCALSTACK_PORT ? parsed.origin : undefined;
}

/**
 * The LocalStack service names (as `/_localstack/health` lists them) the mappings read
 * from, for those whose endpoint is LocalStack's (a per-service `AWS_ENDPOINT_URL_<SERVICE>`
 * elsewhere is not waited for).
 */
export function servicesNeeded(mappings: readonly Mapping[], config: Pick<Config, 'endpoint' | 'functions'>, env: NodeJS.ProcessEnv, localstack: string): string[] {
  const needed = new Set<string>();
  const add = (service: Parameters<typeof resolveEndpoint>[0], name: string): void => {
    const endpoint = resolveEndpoint(service, config, env);
    if (endpoint !== undefined && new URL(endpoint).origin === localstack) needed.add(name);
  };
  for (const m of mappings) {
    const s = m.source;
    if ('replay' in s && s.replay !== undefined) continue;
    if (s.type === 'sqs') add('sqs', 'sqs');
    else if (s.type === 'kinesis') add('kinesis', 'kinesis');
    else if (s.type === 'dynamodb') {
      add('dynamodb', 'dynamodb');
      add('dynamodbStreams', 'dynamodbstreams');
    } else if (s.type === 'sns') add('sns', 'sns');
    else if (s.type === 's3' && s.via !== undefined) add('queue' in s.via ? 'sqs' : 'sns', 'queue' in s.via ? 'sqs' : 'sns');
    if (config.functions[m.function]?.invoker.type === 'lambda') add('lambda', 'lambda');
  }
  return [...needed].sort();
}

export interface WaitForLocalStackOptions {
  /** LocalStack's base URL, e.g. `http://localstack:4566`. */
  readonly endpoint: string;
  /** Service names that must be `available` or `running`. */
  readonly services: readonly string[];
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Per-request timeout; default 5 s. */
  readonly requestTimeoutMs?: number;
}

/**
 * Waits until LocalStack answers `GET /_localstack/health` with every needed service
 * `available` or `running`, logging once per change of state ("waiting for LocalStack"
 * with what it is waiting on, then "LocalStack is ready"). A service LocalStack reports
 * `disabled` (left out of `SERVICES`) fails at once: waiting would never end.
 * @see https://docs.localstack.cloud/references/internal-endpoints/
 */
export async function waitForLocalStack(options: WaitForLocalStackOptions): Promise<void> {
  const { endpoint, services, logger, signal } = options;
  const url = new URL('/_localstack/health', endpoint).toString();
  await waitFor(
    `LocalStack at ${endpoint}`,
    async () => {
      let body: unknown;
      try {
        const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(options.requestTimeoutMs ?? 5_000)]) });
        if (!response.ok) throw new SluiceError('LocalStackNotReady', `${url} answered HTTP ${response.status}`, { retryable: true });
        body = await response.json();
      } catch (err) {
        if (err instanceof SluiceError || signal.aborted) throw err;
        throw new SluiceError('LocalStackNotReady', `${url} is not answering`, { retryable: true, cause: err });
      }
      checkHealth(body, services);
    },
    logger,
    signal,
  );
}

/**
 * Throws a retryable error naming the services not ready yet (so one log line per
 * change of their states), a non-retryable one for a disabled service.
 */
export function checkHealth(body: unknown, services: readonly string[]): void {
  const states = typeof body === 'object' && body !== null ? (body as { services?: unknown }).services : undefined;
  const table = typeof states === 'object' && states !== null ? (states as Record<string, unknown>) : {};
  const pending: string[] = [];
  for (const service of services) {
    const state = typeof table[service] === 'string' ? (table[service] as string) : 'not listed';
    if (state === 'disabled') {
      throw new SluiceError('LocalStackServiceDisabled', `LocalStack has ${service} disabled: add it to LocalStack's SERVICES`);
    }
    if (!READY_STATES.has(state)) pending.push(`${service} ${state}`);
  }
  if (pending.length > 0) throw new SluiceError('LocalStackNotReady', `services not ready: ${pending.join(', ')}`, { retryable: true });
}

/**
 * In `run` mode: when the endpoint is LocalStack's, waits for it (and the services the
 * mappings use) before any mapping starts. Resolves at once otherwise.
 */
export async function waitForLocalStackIfUsed(
  mappings: readonly Mapping[],
  config: Pick<Config, 'endpoint' | 'functions'>,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  const endpoint = localStackEndpoint(config, env);
  if (endpoint === undefined) return;
  const services = servicesNeeded(mappings, config, env, endpoint);
  if (services.length === 0) return;
  await waitForLocalStack({ endpoint, services, logger: logger.child({ component: 'localstack' }), signal });
}
