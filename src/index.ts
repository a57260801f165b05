/** sluice as a library: the composition root and the pieces a custom setup needs. */
export { startSluice, type Sluice, type SluiceOptions } from './runtime/sluice.js';
export { loadConfig, validateConfigFile } from './config/index.js';
export type { Config, Mapping, FunctionConfig, Source } from './config/types.js';
export type { Invoker, InvokeResult, InvokeOptions, LambdaErrorPayload } from './invokers/invoker.js';
export { SluiceError, ConfigError } from './errors.js';
export { createLogger } from './log.js';
