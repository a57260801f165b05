import { clientConfig } from '../aws/client-config.js';
import type { Config, FunctionConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { createCommandInvoker } from './command/index.js';
import { createHttpInvoker } from './http.js';
import type { Invoker } from './invoker.js';
import { createLambdaClient, createLambdaInvoker, type LambdaClientPort, type LambdaClientSettings } from './lambda.js';
import type { OutputStreams } from './local/environment.js';
import { createLocalInvoker } from './local/local-invoker.js';
import { createModuleInvoker } from './module.js';

/** What the factory needs of a Lambda client: sending, and destroying once no invoker uses it. */
export type OwnedLambdaClient = LambdaClientPort & { destroy(): void };

export interface InvokerFactoryDeps {
  /** Builds a Lambda client (tests pass a fake); default {@link createLambdaClient}. */
  readonly createLambdaClient?: (settings: LambdaClientSettings) => OwnedLambdaClient;
  /** Where local handlers' stdout and stderr go; default the process's own. */
  readonly handlerOutput?: OutputStreams;
}

export interface InvokerFactory {
  create(fn: FunctionConfig): Invoker;
  /** Destroys the Lambda clients its invokers still hold (call after closing them). */
  close(): void;
}

/**
 * The one place that knows every invoker kind: builds the invoker a function's config asks
 * for. Lambda invokers of one endpoint share a client, destroyed when the last of them closes
 * (a reload that replaces a function's invoker does not leave its connections behind).
 */
export function createInvokerFactory(config: Config, logger: Logger, env: NodeJS.ProcessEnv = process.env, deps: InvokerFactoryDeps = {}): InvokerFactory {
  const makeClient = deps.createLambdaClient ?? createLambdaClient;
  const lambdaClients = new Map<string, { readonly client: OwnedLambdaClient; users: number }>();

  /** A share of the endpoint's client, and the function that gives it back. */
  function lambdaClient(endpoint: string | undefined): { readonly client: OwnedLambdaClient; release(): void } {
    const key = endpoint ?? '';
    let shared = lambdaClients.get(key);
    if (!shared) {
      const base = clientConfig('lambda', endpoint ? { ...config, endpoint } : config, env);
      const client = makeClient({
        region: base.region,
        ...(base.endpoint ? { endpoint: base.endpoint } : {}),
        ...(base.credentials ? { credentials: base.credentials } : {}),
      });
      shared = { client, users: 0 };
      lambdaClients.set(key, shared);
    }
    const entry = shared;
    entry.users += 1;
    let released = false;
    return {
      client: entry.client,
      release() {
        if (released) return;
        released = true;
        entry.users -= 1;
        if (entry.users > 0 || lambdaClients.get(key) !== entry) return;
        lambdaClients.delete(key);
        entry.client.destroy();
      },
    };
  }

  return {
    create(fn) {
      const fnLogger = logger.child({ function: fn.name });
      const invoker = fn.invoker;
      switch (invoker.type) {
        case 'local':
          return createLocalInvoker({ fn, region: config.region, account: config.account, logger: fnLogger, ...(deps.handlerOutput ? { output: deps.handlerOutput } : {}) });
        case 'lambda': {
          const { client, release } = lambdaClient(invoker.endpoint);
          return createLambdaInvoker({ fn, config: invoker, client, logger: fnLogger, onClose: release });
        }
        case 'http':
          return createHttpInvoker({ fn, config: invoker, logger: fnLogger });
        case 'command':
          return createCommandInvoker({ fn, config: invoker, logger: fnLogger, region: config.region, account: config.account });
        case 'module':
          return createModuleInvoker({ fn, config: invoker, logger: fnLogger, region: config.region, account: config.account });
      }
    },
    close() {
      for (const { client } of lambdaClients.values()) client.destroy();
      lambdaClients.clear();
    },
  };
}
