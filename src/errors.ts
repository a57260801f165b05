/**
 * One error base for sluice: a stable `code`, a `retryable` flag and `{ cause }`.
 * Expected outcomes (an empty poll, a partial batch failure) are returned values, never thrown.
 */
export class SluiceError extends Error {
  override readonly name: string = 'SluiceError';
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** A configuration problem, located in its file. */
export interface ConfigIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted key path, e.g. `mappings[0].batchSize`. */
  readonly path: string;
  readonly message: string;
}

export class ConfigError extends SluiceError {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super('ConfigInvalid', issues.map(formatConfigIssue).join('\n'));
    this.issues = issues;
  }
}

/** `FILE:LINE:COL key.path: message`, the format `sluice validate` prints. */
export function formatConfigIssue(issue: ConfigIssue): string {
  return `${issue.file}:${issue.line}:${issue.column} ${issue.path}: ${issue.message}`;
}

/** True when `err` is a SluiceError (or anything carrying `retryable: true`). */
export function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
}
