import { systemClock, type Clock } from '../clock.js';
import { createAwsDestinationPorts } from '../aws/destination-ports.js';
import type { Config, Mapping } from '../config/types.js';
import { createDestinationSender, type DestinationSender } from '../dispatch/destinations.js';
import type { InvocationObserver } from '../dispatch/invoke-batch.js';
import { SluiceError } from '../errors.js';
import { createInvokerFactory } from '../invokers/create-invoker.js';
import type { Invoker } from '../invokers/invoker.js';
import type { OutputStreams } from '../invokers/local/environment.js';
import { waitForLocalStackIfUsed } from '../localstack/wait-for-localstack.js';
import type { Logger } from '../log.js';
import { createMappingController, type MappingController } from '../ops/mapping-controller.js';
import { describeSource } from '../ops/mapping-status.js';
import { createSluiceMetrics, type SluiceMetrics } from '../ops/metrics.js';
import { assertControlIsSafe, registerOpsRoutes } from '../ops/ops-routes.js';
import { applyReload, planReload, type ReloadPlan } from '../ops/reload.js';
import type { PushSettings } from '../push/push-runtime.js';
import { createPushListener } from '../push/push-listener.js';
import { needsHttp } from '../push/run-push-mapping.js';
import type { CheckpointStore } from '../state/checkpoint-store.js';
import { createFileCheckpointStore } from '../state/file-checkpoint-store.js';
import { createMemoryCheckpointStore } from '../state/memory-checkpoint-store.js';
import { defaultReplaySettings, type ReplaySettings, type RuntimeContext } from './runtime-context.js';
import { startMapping, type MappingHandle } from './start-mappings.js';

export interface SluiceOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** `run`: every enabled mapping, live or replayed. `replay`: only mappings with a replay file, to completion. */
  readonly mode: 'run' | 'replay';
  /** Only these mappings (by name). */
  readonly only?: readonly string[];
  /** `replay` mode: read this file instead of the mapping's own (needs exactly one mapping). */
  readonly replayFile?: string;
  readonly clock?: Clock;
  readonly observe?: InvocationObserver;
  readonly sendToDestination?: DestinationSender;
  readonly checkpoints?: CheckpointStore;
  readonly replay?: Partial<ReplaySettings>;
  /** Invokers by function name, instead of building them from the config (tests). */
  readonly invokers?: ReadonlyMap<string, Invoker>;
  readonly env?: NodeJS.ProcessEnv;
  /** Push mappings' asynchronous-invocation knobs (tests: short retry delays, a test CA for SNS certificates). */
  readonly push?: PushSettings;
  /** Aborts the start: `run` mode's wait for LocalStack to be ready. */
  readonly signal?: AbortSignal;
  /**
   * Serve `/healthz`, `/readyz`, `/metrics` and `/mappings` on `config.http` (default: in `run` mode).
   * Binding a non-loopback host needs `http.token`.
   */
  readonly ops?: boolean;
  /** Where local handlers' stdout and stderr go; default sluice's own (`replay --json` sends both to stderr). */
  readonly handlerOutput?: OutputStreams;
}

export interface Sluice {
  /** The current handle of every mapping (a restarted mapping has a new handle). */
  readonly mappings: readonly MappingHandle[];
  /** Disable / enable / replace mappings at runtime. */
  readonly controller: MappingController;
  readonly metrics: SluiceMetrics;
  /**
   * Applies a new (already validated) config mapping by mapping: only mappings whose definition
   * or function changed restart. Rejects, leaving everything as it was, when a new function
   * cannot be invoked. Reloads run one at a time.
   */
  reload(next: Config): Promise<ReloadPlan>;
  /** Local handlers: retire warm environments so the next invocation loads the edited code. */
  reloadHandlers(): Promise<void>;
  /** Settles when every mapping stopped; then rejects with the first failed mapping's error. */
  readonly done: Promise<void>;
  /** The HTTP listener's base URL, once live S3 or SNS mappings (at start or added by a reload) or the ops endpoints started it. */
  readonly httpUrl: string | undefined;
  /**
   * Two-phase shutdown: stop intake and let in-flight batches finish within `graceMs`,
   * then abort what is left; checkpoints are saved and invokers closed either way.
   */
  shutdown(graceMs: number): Promise<void>;
}

/**
 * The composition root: validates that every function the selected mappings use can
 * be invoked (a broken handler is reported now, not at the first record), then starts
 * every mapping.
 */
export async function startSluice(options: SluiceOptions): Promise<Sluice> {
  const { config, logger } = options;
  const env = options.env ?? process.env;
  const mappings = selectMappings(options);
  const serveOps = options.ops ?? options.mode === 'run';
  if (serveOps) assertControlIsSafe(config.http.host, config.http.token);
  const metrics = createSluiceMetrics();
  if (options.mode === 'run' && options.replayFile === undefined) {
    await waitForLocalStackIfUsed(mappings, config, env, logger, options.signal ?? new AbortController().signal);
  }
  const factoryDeps = options.handlerOutput ? { handlerOutput: options.handlerOutput } : {};
  const factory = createInvokerFactory(config, logger, env, factoryDeps);
  const invokers = new Map<string, Invoker>(options.invokers ?? []);
  const owned: Invoker[] = [];
  for (const name of new Set(mappings.map((m) => m.function))) {
    if (invokers.has(name)) continue;
    const fn = config.functions[name];
    if (!fn) throw new SluiceError('ConfigInvalid', `function "${name}" is not defined`);
    const invoker = factory.create(fn);
    invokers.set(name, invoker);
    owned.push(invoker);
  }
  const provided = new Set(options.invokers?.values() ?? []);
  const closeInvokers = async (): Promise<void> => {
    // The current invokers (a reload may have replaced some), not those the caller provided.
    await Promise.allSettled([...invokers.values()].filter((i) => !provided.has(i)).map((i) => i.close()));
    factory.close();
  };
  const listener = createPushListener({ config, env, logger, ...(options.push ? { settings: options.push } : {}) });
  try {
    await Promise.all(owned.map((i) => i.check?.()));
    const live = options.replayFile === undefined ? mappings.filter((m) => !isReplayed(m, options)) : [];
    if (live.some(needsHttp)) await listener.startPush();
    else if (serveOps) {
      try {
        await listener.listen();
      } catch (err) {
        // A run of replay mappings ends by itself and needs no endpoint: a taken port (another
        // sluice, say) costs it its health and metrics endpoints, not the run.
        const cause = err instanceof Error ? (err.cause as NodeJS.ErrnoException | undefined) : undefined;
        if (cause?.code !== 'EADDRINUSE' || !mappings.every((m) => isReplayed(m, options))) throw err;
        logger.warn({ host: config.http.host, port: config.http.port }, 'port in use: running the replays without the health, metrics and control endpoints');
      }
    }
  } catch (err) {
    await listener.close();
    await closeInvokers();
    throw err;
  }
  const http = listener.http;

  const replayCheckpoints = createMemoryCheckpointStore();
  let ctx: RuntimeContext = {
    config,
    logger,
    clock: options.clock ?? systemClock,
    invokers,
    sendToDestination:
      options.sendToDestination ?? createDestinationSender(createAwsDestinationPorts(config, env), logger.child({ component: 'destinations' })),
    checkpoints: options.checkpoints ?? (options.mode === 'replay' ? replayCheckpoints : createFileCheckpointStore(config.stateDir)),
    ...(options.observe ? { observe: options.observe } : {}),
    replay: { ...defaultReplaySettings, ...options.replay },
    env,
    ...(listener.http ? { http: listener.http } : {}),
    ...(listener.push ? { push: listener.push } : {}),
    ...(options.push ? { pushSettings: options.push } : {}),
    metrics,
  };

  const start = (mapping: Mapping): MappingHandle =>
    startMapping(
      mapping,
      // A replay file is recorded history: every run replays all of it, so its positions are
      // never saved across runs (`run` of the quickstart twice processes everything twice).
      options.checkpoints === undefined && isReplayed(mapping, options) ? { ...ctx, checkpoints: replayCheckpoints } : ctx,
      options.replayFile === undefined ? {} : { replayFile: options.replayFile },
    );
  const handles = mappings.map(start);
  // Push mappings serve (endpoints registered, subscriptions created) before start resolves.
  await listener.push?.ready();
  // `run` with nothing to run stays up (health endpoints, `/mappings`) for a reload that adds a mapping.
  const controller = createMappingController(handles, start, logger, { waitWhenEmpty: options.mode === 'run' });
  if (options.mode === 'run' && handles.length === 0) {
    logger.warn({ config: config.file }, 'no enabled mapping to run: waiting for a config reload (SIGHUP, or a save under --watch) or SIGTERM');
  }
  const removeOpsRoutes =
    serveOps && http ? registerOpsRoutes({ http, controller, metrics, ...(config.http.token === undefined ? {} : { token: config.http.token }) }) : undefined;
  for (const handle of handles) {
    const { mapping } = handle;
    logger.info(
      {
        mapping: mapping.name,
        function: mapping.function,
        source: describeSource(mapping),
        batchSize: mapping.batchSize,
        ...('replay' in mapping.source && mapping.source.replay ? { replay: mapping.source.replay } : {}),
      },
      'mapping started',
    );
  }
  // Every mapping settles before `done` does (and before invokers close), even when one fails.
  const done = controller.done;
  const finished = done.finally(async () => {
    removeOpsRoutes?.();
    await listener.close();
    await closeInvokers();
  });
  finished.catch(() => undefined);

  let currentConfig = config;
  let reloading: Promise<unknown> = Promise.resolve();
  const reload = async (next: Config): Promise<ReloadPlan> => {
    const reloadFactory = createInvokerFactory(next, logger, env, factoryDeps);
    const plan = planReload(currentConfig, controller.handles().map((h) => h.mapping.name), next, options.only);
    // The first S3 or SNS mapping of a run that had none: the listener and push runtime start now.
    const starting = [...plan.add, ...plan.restart];
    if (!ctx.push && starting.some((m) => needsHttp(m) && !isReplayed(m, options))) {
      const push = await listener.startPush();
      ctx = { ...ctx, push, ...(listener.http ? { http: listener.http } : {}) };
    }
    await applyReload(plan, next, {
      controller,
      invokers,
      provided,
      logger,
      async createInvoker(fn) {
        const given = options.invokers?.get(fn.name);
        if (given) return given;
        const invoker = reloadFactory.create(fn);
        try {
          await invoker.check?.();
        } catch (err) {
          await invoker.close();
          throw err;
        }
        return invoker;
      },
      useConfig(c) {
        currentConfig = c;
        ctx = { ...ctx, config: c };
      },
    });
    // Push mappings serve (endpoints registered, subscriptions created) before the reload resolves.
    await ctx.push?.ready();
    return plan;
  };
  return {
    get mappings() {
      return controller.handles();
    },
    controller,
    metrics,
    done: finished,
    async reloadHandlers() {
      const local = [...invokers.values()].filter((i): i is Invoker & { reload(): Promise<void> } => 'reload' in i && typeof i.reload === 'function');
      await Promise.allSettled(local.map((i) => i.reload()));
    },
    reload(next) {
      const result = reloading.then(() => reload(next));
      reloading = result.catch(() => undefined);
      return result;
    },
    get httpUrl() {
      return listener.url;
    },
    async shutdown(graceMs) {
      listener.push?.shuttingDown();
      await controller.shutdown(graceMs);
      await done.catch(() => undefined);
      await finished.catch(() => undefined);
    },
  };
}

function isReplayed(mapping: Mapping, options: SluiceOptions): boolean {
  return options.replayFile !== undefined || ('replay' in mapping.source && mapping.source.replay !== undefined);
}

function selectMappings(options: SluiceOptions): Mapping[] {
  const { config } = options;
  let selected = config.mappings.filter((m) => m.enabled);
  if (options.only && options.only.length > 0) {
    const unknown = options.only.filter((name) => !config.mappings.some((m) => m.name === name));
    if (unknown.length > 0) {
      throw new SluiceError('UnknownMapping', `no mapping named ${unknown.map((n) => `"${n}"`).join(', ')} in ${config.file}`);
    }
    selected = config.mappings.filter((m) => options.only?.includes(m.name));
  }
  if (options.mode === 'replay') {
    if (options.replayFile !== undefined) {
      if (selected.length !== 1) {
        throw new SluiceError('ReplayTarget', `--file needs exactly one mapping (use --mapping NAME); ${selected.length} selected`);
      }
      if (selected[0]?.source.type === 'schedule') throw new SluiceError('ReplayTarget', 'schedule mappings cannot be replayed');
    } else {
      selected = selected.filter((m) => 'replay' in m.source && m.source.replay !== undefined);
      if (selected.length === 0) throw new SluiceError('ReplayTarget', `no mapping in ${config.file} has a replay file`);
    }
  }
  return selected;
}
