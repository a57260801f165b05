/**
 * `import { replay } from 'sluice/testing'`: drive your handlers with recorded events
 * from a vitest (or any) test, through exactly the pipeline `sluice replay` uses, and
 * assert on every invocation.
 *
 * @example
 * const result = await replay({ config: 'sluice.yaml', mapping: 'orders-queue' });
 * expect(result.ok).toBe(true);
 * expect(result.invocations[0].event.Records).toHaveLength(10);
 */
import { isAbsolute, resolve } from 'node:path';
import { loadConfig } from './config/index.js';
import type { Config } from './config/types.js';
import { createMemoryDestinationSender } from './dispatch/destinations.js';
import type { BatchOutcome, InvocationReport } from './dispatch/invoke-batch.js';
import type { LambdaErrorPayload } from './invokers/invoker.js';
import { silentLogger, type Logger } from './log.js';
import { summarize, type MappingSummary } from './replay/replay-summary.js';
import { startSluice } from './runtime/sluice.js';

export interface ReplayOptions {
  /** A config file path (relative to the working directory) or a loaded config. */
  readonly config: string | Config;
  /** One or more mapping names; default every mapping with a replay file. */
  readonly mapping?: string | readonly string[];
  /** Replay this file into the (single) mapping instead of its own. */
  readonly file?: string;
  /** Attempts before a record that would be retried forever is abandoned; default 3. */
  readonly maxAttempts?: number;
  /** Delay between retries (ms); default 0 in tests. */
  readonly retryDelayMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
}

export interface Invocation {
  readonly mapping: string;
  readonly shardId?: string;
  /** The event the function received. */
  readonly event: { Records: Record<string, unknown>[] } & Record<string, unknown>;
  /** The function's response, when it succeeded. */
  readonly response?: unknown;
  /** Lambda's error payload, when the function failed. */
  readonly error?: LambdaErrorPayload;
  readonly outcome: BatchOutcome;
}

export interface ReplayResult {
  /** Every invocation, in the order they finished. */
  readonly invocations: readonly Invocation[];
  /** Documents sent to on-failure / on-success destinations (kept in memory, not sent). */
  readonly destinations: readonly { destination: string; document: unknown }[];
  readonly mappings: readonly MappingSummary[];
  /** Every record was processed or handled by its mapping's failure policy, and no line was malformed. */
  readonly ok: boolean;
}

export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const env = options.env ?? process.env;
  const config =
    typeof options.config === 'string'
      ? await loadConfig(isAbsolute(options.config) ? options.config : resolve(options.config), { env })
      : options.config;
  const invocations: Invocation[] = [];
  const destinations = createMemoryDestinationSender();
  const only = options.mapping === undefined ? undefined : typeof options.mapping === 'string' ? [options.mapping] : options.mapping;
  const delay = options.retryDelayMs ?? 0;
  const sluice = await startSluice({
    config,
    logger: options.logger ?? silentLogger,
    mode: 'replay',
    env,
    ...(only ? { only } : {}),
    ...(options.file === undefined ? {} : { replayFile: resolve(options.file) }),
    sendToDestination: destinations.send,
    replay: { maxAttempts: options.maxAttempts ?? 3, retryDelayMs: () => delay },
    observe: (report: InvocationReport) => {
      invocations.push({
        mapping: report.mapping,
        ...(report.shardId === undefined ? {} : { shardId: report.shardId }),
        event: report.event as Invocation['event'],
        ...(report.response === undefined ? {} : { response: report.response }),
        ...(report.error === undefined ? {} : { error: report.error }),
        outcome: report.outcome,
      });
    },
  });
  await sluice.done.catch(() => undefined);
  const summary = await summarize(sluice.mappings);
  return { invocations, destinations: destinations.sent, mappings: summary.mappings, ok: summary.ok };
}

export type { MappingSummary } from './replay/replay-summary.js';
