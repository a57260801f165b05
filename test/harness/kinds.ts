import type { NodeHttpHandler } from '@smithy/node-http-handler';

/** The emulators the harness installs and starts itself. */
export const EMULATOR_KINDS = ['moto', 'elasticmq', 'dynamodb-local', 'kinesis-local'] as const;

/** One emulator the harness can install and start: see {@link EMULATOR_KINDS}. */
export type EmulatorKind = (typeof EMULATOR_KINDS)[number];

/**
 * What a test can ask for: an emulator kind, or `localstack`, which only exists when
 * `SLUICE_TEST_ENDPOINT` points at a running LocalStack.
 */
export type TestTargetKind = EmulatorKind | 'localstack';

/** The region every emulator client uses. */
export const EMULATOR_REGION = 'us-east-1' as const;

/** The account id in every emulator's ARNs and queue URLs (LocalStack's default too). DynamoDB Local's ARNs still say region `ddblocal`. */
export const EMULATOR_ACCOUNT_ID = '000000000000' as const;

/**
 * Static credentials every emulator accepts (and LocalStack's defaults). Not frozen: the SDK marks the credential
 * object it is given, so pass a copy (`clientConfig` does).
 */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** A running emulator (or the external endpoint standing in for it). */
export interface Emulator {
  /** What answers: the kind started, or `localstack` when `SLUICE_TEST_ENDPOINT` is set. */
  readonly kind: TestTargetKind;
  /** `http://127.0.0.1:PORT` (or `SLUICE_TEST_ENDPOINT`). */
  readonly endpoint: string;
  readonly region: typeof EMULATOR_REGION;
  readonly credentials: typeof EMULATOR_CREDENTIALS;
  /** The process group of the emulator's processes (for benchmarks that meter its CPU); none for an external endpoint. */
  readonly processGroup?: number;
  /** Kills the emulator's process tree and resolves once it has exited. Idempotent; a no-op for an external endpoint. */
  stop(): Promise<void>;
  /** The emulator's recent output (stdout and stderr interleaved), for failure messages. */
  logs(): string;
}

/** Options for `startEmulator`. */
export interface StartEmulatorOptions {
  /** How long the emulator may take to answer its first API call. Default 120 s. */
  readonly startTimeoutMs?: number;
  /** Extra environment for the emulator process (e.g. kinesis-local's `SHARD_LIMIT`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Aborts the start (the process is then killed). */
  readonly signal?: AbortSignal;
}

/** Client settings for an AWS SDK v3 client talking to an emulator. */
export interface EmulatorClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** HTTP/1.1: kinesis-mock (kinesis-local, and LocalStack's Kinesis) breaks the Kinesis client's default HTTP/2 handler. */
  readonly requestHandler: NodeHttpHandler;
}

/** True when `value` names an emulator the harness can start itself. */
export function isEmulatorKind(value: string): value is EmulatorKind {
  return (EMULATOR_KINDS as readonly string[]).includes(value);
}
