import { randomBytes } from 'node:crypto';
import type { FunctionConfig } from '../../config/types.js';

export interface LambdaEnvironmentOptions {
  readonly fn: FunctionConfig;
  readonly region: string;
  /** The function's working directory, as `LAMBDA_TASK_ROOT`. */
  readonly cwd: string;
  /** Defaults to `process.env`. */
  readonly base?: NodeJS.ProcessEnv;
  readonly now?: number;
}

/**
 * The environment a command runs with: the parent's environment, then the
 * function's `environment`, then the variables Lambda defines for every function
 * (which a function cannot override on Lambda either). Each call names a new
 * log stream, as each Lambda execution environment has its own.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
export function lambdaEnvironment(options: LambdaEnvironmentOptions): Record<string, string> {
  const { fn, region, cwd } = options;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.base ?? process.env)) {
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, fn.environment);
  const day = new Date(options.now ?? Date.now()).toISOString().slice(0, 10).replaceAll('-', '/');
  Object.assign(env, {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    LAMBDA_TASK_ROOT: cwd,
    TZ: ':UTC',
  });
  return env;
}
