import type { Mapping } from '../config/types.js';
import { SluiceError } from '../errors.js';
import type { Logger } from '../log.js';
import type { MappingHandle } from '../runtime/start-mappings.js';
import { createNotifier } from '../util/notifier.js';

/** Starts a mapping (the composition root's `startMapping` with its runtime context). */
export type MappingStarter = (mapping: Mapping) => MappingHandle;

/**
 * The running set of mappings, steerable at runtime: `disable` stops one (in-flight batches
 * finish, checkpoints are saved), `enable` starts it again through the same starter, so a
 * stream mapping resumes from its checkpoint, as an AWS event source mapping does.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_UpdateEventSourceMapping.html
 */
export interface MappingController {
  /** The current handle of every mapping (a disabled mapping keeps its last handle). */
  handles(): readonly MappingHandle[];
  get(name: string): MappingHandle | undefined;
  /** True while a mapping is stopped by `disable` (or being restarted by a reload). */
  isDisabled(name: string): boolean;
  /** Stops a mapping and resolves once it stopped. Disabling a disabled mapping is a no-op. */
  disable(name: string): Promise<MappingHandle>;
  /** Starts a stopped mapping again; a no-op for a running one. */
  enable(name: string): MappingHandle;
  /** Stops (if running) and starts `mapping` under its name, or adds it (config reload). */
  replace(mapping: Mapping, start?: MappingStarter): Promise<MappingHandle>;
  /** Stops a mapping and forgets it (removed from the config). */
  remove(name: string): Promise<void>;
  /**
   * Settles when every mapping stopped on its own (a replay ended, a mapping failed) and none
   * is waiting to be enabled again, or after `shutdown`; rejects with the first failed mapping's error.
   * With `waitWhenEmpty`, a controller with no mapping at all waits for one (a reload) or `shutdown`.
   */
  readonly done: Promise<void>;
  /** Two-phase shutdown: stop every mapping, abort what is left after `graceMs`. */
  shutdown(graceMs: number): Promise<void>;
}

interface Slot {
  handle: MappingHandle;
  start: MappingStarter;
  /** Stopped by `disable` (or being replaced): `done` waits for it to be enabled again. */
  held: boolean;
}

export function createMappingController(
  initial: readonly MappingHandle[],
  start: MappingStarter,
  logger: Logger,
  options: { readonly waitWhenEmpty?: boolean } = {},
): MappingController {
  const slots = new Map<string, Slot>(initial.map((h) => [h.mapping.name, { handle: h, start, held: false }]));
  const changed = createNotifier();
  let shuttingDown = false;
  const failures: unknown[] = [];
  const watch = (handle: MappingHandle): void => {
    handle.done.then(
      () => changed.notify(),
      (err: unknown) => {
        failures.push(err);
        changed.notify();
      },
    );
  };
  for (const slot of slots.values()) watch(slot.handle);

  const slotOf = (name: string): Slot => {
    const slot = slots.get(name);
    if (!slot) throw new SluiceError('UnknownMapping', `no mapping named "${name}"`);
    return slot;
  };
  const running = (slot: Slot): boolean => slot.handle.state !== 'Disabled';
  const startIn = (slot: Slot, mapping: Mapping = slot.handle.mapping): MappingHandle => {
    slot.handle = slot.start(mapping);
    slot.held = false;
    watch(slot.handle);
    changed.notify();
    return slot.handle;
  };

  const done = (async () => {
    for (;;) {
      await Promise.allSettled([...slots.values()].map((s) => s.handle.done));
      const now = [...slots.values()];
      if (now.some(running)) continue; // started again meanwhile
      if (!shuttingDown && (now.some((s) => s.held) || (options.waitWhenEmpty === true && now.length === 0))) {
        await changed.wait();
        continue;
      }
      break;
    }
    if (failures.length > 0) throw failures[0];
  })();
  done.catch(() => undefined);

  return {
    handles: () => [...slots.values()].map((s) => s.handle),
    get: (name) => slots.get(name)?.handle,
    isDisabled: (name) => slots.get(name)?.held === true,
    async disable(name) {
      const slot = slotOf(name);
      if (shuttingDown) throw new SluiceError('ShuttingDown', 'sluice is shutting down');
      slot.held = true;
      if (running(slot)) {
        logger.info({ mapping: name }, 'disabling mapping');
        slot.handle.stop();
        await slot.handle.done.catch(() => undefined);
      }
      changed.notify();
      return slot.handle;
    },
    enable(name) {
      const slot = slotOf(name);
      if (shuttingDown) throw new SluiceError('ShuttingDown', 'sluice is shutting down');
      if (running(slot)) return slot.handle;
      logger.info({ mapping: name }, 'enabling mapping');
      return startIn(slot);
    },
    async replace(mapping, starter = start) {
      const existing = slots.get(mapping.name);
      if (existing) {
        existing.held = true;
        existing.handle.stop();
        await existing.handle.done.catch(() => undefined);
        existing.start = starter;
        return startIn(existing, mapping);
      }
      const slot: Slot = { handle: starter(mapping), start: starter, held: false };
      slots.set(mapping.name, slot);
      watch(slot.handle);
      changed.notify();
      return slot.handle;
    },
    async remove(name) {
      const slot = slots.get(name);
      if (!slot) return;
      slot.held = true;
      slot.handle.stop();
      await slot.handle.done.catch(() => undefined);
      slots.delete(name);
      changed.notify();
    },
    done,
    async shutdown(graceMs) {
      shuttingDown = true;
      changed.notify();
      const handles = [...slots.values()].map((s) => s.handle);
      for (const h of handles) h.stop();
      const timer = setTimeout(() => {
        logger.warn({ graceMs }, 'grace period over; aborting in-flight work');
        for (const h of handles) h.abort();
      }, graceMs);
      await Promise.allSettled(handles.map((h) => h.done));
      clearTimeout(timer);
    },
  };
}
