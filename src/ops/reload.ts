import { isDeepStrictEqual } from 'node:util';
import type { Config, FunctionConfig, Mapping } from '../config/types.js';
import type { Invoker } from '../invokers/invoker.js';
import type { Logger } from '../log.js';
import type { MappingController } from './mapping-controller.js';

/** What a new config changes, mapping by mapping. */
export interface ReloadPlan {
  /** New (or newly enabled) mappings. */
  readonly add: readonly Mapping[];
  /** Mappings whose definition or function changed: stopped, then started with the new definition. */
  readonly restart: readonly Mapping[];
  /** Mappings gone from the config (or disabled in it). */
  readonly remove: readonly string[];
  readonly unchanged: readonly string[];
  /** Functions whose definition changed (their invokers are rebuilt). */
  readonly changedFunctions: readonly string[];
}

/**
 * Compares the running mappings with a new config: a mapping restarts when its own definition
 * or its function's changed (where it was written, `location`, does not count).
 */
export function planReload(current: Config, running: readonly string[], next: Config, only: readonly string[] = []): ReloadPlan {
  const wanted = next.mappings.filter((m) => (only.length > 0 ? only.includes(m.name) : m.enabled));
  const changedFunctions = Object.keys(next.functions).filter((name) => {
    const before = current.functions[name];
    return before !== undefined && !sameFunction(before, next.functions[name]);
  });
  const add: Mapping[] = [];
  const restart: Mapping[] = [];
  const unchanged: string[] = [];
  for (const mapping of wanted) {
    const before = current.mappings.find((m) => m.name === mapping.name);
    if (!before || !running.includes(mapping.name)) add.push(mapping);
    else if (!sameMapping(before, mapping) || changedFunctions.includes(mapping.function)) restart.push(mapping);
    else unchanged.push(mapping.name);
  }
  const remove = running.filter((name) => !wanted.some((m) => m.name === name));
  return { add, restart, remove, unchanged, changedFunctions };
}

function sameMapping(a: Mapping, b: Mapping): boolean {
  const { location: _a, ...restA } = a;
  const { location: _b, ...restB } = b;
  return isDeepStrictEqual(restA, restB);
}

function sameFunction(a: FunctionConfig, b: FunctionConfig | undefined): boolean {
  return b !== undefined && isDeepStrictEqual(a, b);
}

export interface ApplyReloadDeps {
  readonly controller: Pick<MappingController, 'disable' | 'remove' | 'replace'>;
  /** The composition root's invokers by function name: updated in place. */
  readonly invokers: Map<string, Invoker>;
  /** Builds and checks an invoker for a function of the new config; throws when it cannot be invoked. */
  createInvoker(fn: FunctionConfig): Promise<Invoker>;
  /** Makes the new config the one mappings start with from now on. */
  useConfig(config: Config): void;
  /** Invokers the caller owns (given to `startSluice`): never closed here. */
  readonly provided?: ReadonlySet<Invoker>;
  readonly logger: Logger;
}

/**
 * Applies a plan: new invokers are built (and checked) first, so a handler that does not load
 * leaves everything running as it was; then changed and removed mappings stop, invokers that
 * were replaced or that no mapping uses any more close, and changed and new mappings start.
 */
export async function applyReload(plan: ReloadPlan, next: Config, deps: ApplyReloadDeps): Promise<void> {
  const { controller, invokers, logger } = deps;
  const closeOwned = (list: Iterable<Invoker>): Promise<unknown> => Promise.allSettled([...list].filter((i) => deps.provided?.has(i) !== true).map((i) => i.close()));
  const needed = new Set([...plan.add, ...plan.restart].map((m) => m.function));
  const fresh = new Map<string, Invoker>();
  try {
    for (const name of needed) {
      if (invokers.has(name) && !plan.changedFunctions.includes(name)) continue;
      const fn = next.functions[name];
      if (!fn) throw new Error(`function "${name}" is not defined`);
      fresh.set(name, await deps.createInvoker(fn));
    }
  } catch (err) {
    await closeOwned(fresh.values());
    throw err;
  }
  for (const mapping of plan.restart) await controller.disable(mapping.name);
  for (const name of plan.remove) await controller.remove(name);
  const retired: Invoker[] = [];
  for (const [name, invoker] of fresh) {
    const old = invokers.get(name);
    if (old && old !== invoker) retired.push(old);
    invokers.set(name, invoker);
  }
  const used = new Set([...needed, ...plan.unchanged.map((name) => next.mappings.find((m) => m.name === name)?.function)]);
  for (const [name, invoker] of invokers) {
    if (used.has(name) || deps.provided?.has(invoker) === true) continue;
    invokers.delete(name);
    retired.push(invoker);
  }
  deps.useConfig(next);
  await closeOwned(retired);
  for (const mapping of [...plan.restart, ...plan.add]) await controller.replace(mapping);
  logger.info(
    {
      added: plan.add.map((m) => m.name),
      restarted: plan.restart.map((m) => m.name),
      removed: plan.remove,
      unchanged: plan.unchanged,
    },
    'config reloaded',
  );
}
