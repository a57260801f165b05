/** The configuration loader: YAML file → validated, defaulted, frozen `Config`. */
export { loadConfig, validateConfigFile, type ConfigValidation, type LoadConfigOptions } from './load.js';
export { checkHandlerExport, HANDLER_CHECK_TIMEOUT_MS, type HandlerCheckOptions } from './handler-check.js';
export {
  findHandlerFile,
  handlerCandidates,
  HANDLER_EXTENSIONS,
  moduleFormat,
  parseHandler,
  type HandlerReference,
} from './handler.js';
export { interpolate, escapeInterpolation, type InterpolationEnv, type InterpolationResult } from './interpolate.js';
export { configJsonSchema, configSchema, DEFAULT_HTTP_PORT } from './schema.js';
export { DEFAULT_REGION, DEFAULT_STATE_DIR, resolveRegion } from './resolve.js';
export { splitCommand } from './split-command.js';
export type * from './types.js';
