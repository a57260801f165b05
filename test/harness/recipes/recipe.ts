import type { EmulatorKind } from '../kinds.js';

/** Where and with what an install runs. */
export interface InstallContext {
  /** The emulator cache root (`$SLUICE_EMULATOR_CACHE` or `~/.cache/sluice/emulators`). */
  readonly cacheDir: string;
  /** The recipe's own directory under the cache: empty (freshly created) when `install` is called. */
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Where and on which port a start runs. */
export interface LaunchContext {
  readonly cacheDir: string;
  readonly dir: string;
  /** The loopback port the emulator must serve its API on. */
  readonly port: number;
  /** A private scratch directory for this one process (config files, data); removed after it stops. */
  readonly runDir: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The process to run; `env` is added on top of the test process's environment. */
export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/** How to install, start and ask one emulator whether it is ready. */
export interface EmulatorRecipe {
  readonly kind: EmulatorKind;
  /** The pinned upstream version, e.g. `moto[server]==5.2.5`. */
  readonly version: string;
  /** Changes whenever what the install produces changes; a mismatch re-installs. */
  readonly fingerprint: string;
  /** Its directory under the cache root. */
  dir(cacheDir: string): string;
  install(ctx: InstallContext): Promise<void>;
  launch(ctx: LaunchContext): Promise<LaunchSpec>;
  /** The API call that proves readiness, for messages: `SQS ListQueues`. */
  readonly probeName: string;
  /** Makes that call once; throws when it does not succeed. */
  probe(endpoint: string, signal: AbortSignal): Promise<void>;
}
