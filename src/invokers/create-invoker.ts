import type { LambdaClient } from '@aws-sdk/client-lambda';
import { clientConfig } from '../aws/client-config.js';
import type { Config, FunctionConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { createCommandInvoker } from './command/index.js';
import { createHttpInvoker } from './http.js';
import type { Invoker } from './invoker.js';
import { createLambdaClient, createLambdaInvoker } from './lambda.js';
import { createLocalInvoker } from './local/local-invoker.js';
import { createModuleInvoker } from './module.js';

/**
 * The one place that knows every invoker kind: builds the invoker a function's
 * config asks for. Lambda clients are shared per endpoint.
 */
export function createInvokerFactory(config: Config, logger: Logger, env: NodeJS.ProcessEnv = process.env) {
  const lambdaClients = new Map<string, LambdaClient>();

  function lambdaClient(endpoint: string | undefined): LambdaClient {
    const key = endpoint ?? '';
    let client = lambdaClients.get(key);
    if (!client) {
      const base = clientConfig('lambda', endpoint ? { ...config, endpoint } : config, env);
      client = createLambdaClient({
        region: base.region,
        ...(base.endpoint ? { endpoint: base.endpoint } : {}),
        ...(base.credentials ? { credentials: base.credentials } : {}),
      });
      lambdaClients.set(key, client);
    }
    return client;
  }

  return {
    create(fn: FunctionConfig): Invoker {
      const fnLogger = logger.child({ function: fn.name });
      const invoker = fn.invoker;
      switch (invoker.type) {
        case 'local':
          return createLocalInvoker({ fn, region: config.region, account: config.account, logger: fnLogger });
        case 'lambda':
          return createLambdaInvoker({ fn, config: invoker, client: lambdaClient(invoker.endpoint), logger: fnLogger });
        case 'http':
          return createHttpInvoker({ fn, config: invoker, logger: fnLogger });
        case 'command':
          return createCommandInvoker({ fn, config: invoker, logger: fnLogger, region: config.region, account: config.account });
        case 'module':
          return createModuleInvoker({ fn, config: invoker, logger: fnLogger, region: config.region, account: config.account });
      }
    },
    close(): void {
      for (const client of lambdaClients.values()) client.destroy();
      lambdaClients.clear();
    },
  };
}
