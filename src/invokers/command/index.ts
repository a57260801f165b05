export { createCommandInvoker, type CommandInvokerDeps } from './command-invoker.js';
