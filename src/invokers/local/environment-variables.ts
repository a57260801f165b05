/**
 * The process environment of a local execution environment: sluice's own
 * environment (so credentials, `PATH` and endpoint variables still reach the
 * handler), then the function's `environment`, then Lambda's reserved
 * variables, which the function cannot override (as Lambda rejects them in
 * function configuration).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname } from 'node:path';
import type { FunctionConfig, LocalInvokerConfig } from '../../config/types.js';

/** The runtime identifier sluice's local environments claim to be. */
export const EXECUTION_ENV = 'AWS_Lambda_nodejs20.x';

/** Lambda's handler string, relative to the task root: `index.handler`. */
export function handlerName(invoker: LocalInvokerConfig): string {
  return `${basename(invoker.handler)}.${invoker.exportName}`;
}

/** The task root: the handler module's directory. */
export function taskRoot(invoker: LocalInvokerConfig): string {
  return dirname(invoker.modulePath);
}

/** `/aws/lambda/<name>` */
export function logGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** `YYYY/MM/DD/[$LATEST]<32 hex>`, one per execution environment, dated in UTC. */
export function newLogStreamName(now: number): string {
  const date = new Date(now).toISOString().slice(0, 10).replaceAll('-', '/');
  return `${date}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

export interface LambdaEnvironmentInput {
  readonly fn: FunctionConfig & { readonly invoker: LocalInvokerConfig };
  readonly region: string;
  readonly logStreamName: string;
  /** The parent environment to start from; default sluice's `process.env`. */
  readonly base?: NodeJS.ProcessEnv;
}

/** The full environment for one execution environment. Never touches `process.env`. */
export function lambdaEnvironment(input: LambdaEnvironmentInput): Record<string, string> {
  const { fn, region, logStreamName } = input;
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.base ?? process.env)) {
    if (value !== undefined) merged[key] = value;
  }
  Object.assign(merged, fn.environment, {
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(fn.name),
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: EXECUTION_ENV,
    LAMBDA_TASK_ROOT: taskRoot(fn.invoker),
    _HANDLER: handlerName(fn.invoker),
    TZ: ':UTC',
  });
  return merged;
}
