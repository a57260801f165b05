/**
 * CPU time, split by who spent it: this process (the consumer under test, sluice or a
 * baseline, runs here), the processes it started other than the emulator (sluice's execution
 * environments), and the emulator's process group. A drain on a small machine is bound by
 * CPU, so CPU per message says where a variant's time goes more steadily than its rate does.
 *
 * Read from Linux's /proc (no library reads another process group's CPU time); elsewhere
 * `cpuMeter` returns undefined and the benchmarks print rates only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** CPU milliseconds used so far. */
export interface CpuTimes {
  readonly self: number;
  readonly environments: number;
  readonly emulator: number;
}

export interface CpuMeter {
  read(): CpuTimes;
}

/** Kernel clock ticks per second: 100 on every Linux build Node supports (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  /** Its own CPU time, and that of its children it has waited for, in ms. */
  readonly cpuMs: number;
  readonly ownCpuMs: number;
}

function readStat(pid: string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited meanwhile
  }
  // Fields after the command name, which may contain spaces: state, ppid, pgrp, ... utime (14th field), stime, cutime, cstime.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
  const tick = (i: number): number => ((fields[i] ?? 0) * 1000) / TICKS_PER_SECOND;
  const own = tick(11) + tick(12);
  return { pid: Number(pid), ppid: fields[1] ?? 0, pgrp: fields[2] ?? 0, ownCpuMs: own, cpuMs: own + tick(13) + tick(14) };
}

/** A meter for this process, its other descendants and `emulatorGroup`; undefined without /proc or a group. */
export function cpuMeter(emulatorGroup: number | undefined): CpuMeter | undefined {
  if (emulatorGroup === undefined || readStat('self') === undefined) return undefined;
  return {
    read() {
      const all = readdirSync('/proc')
        .filter((name) => /^\d+$/.test(name))
        .map(readStat)
        .filter((stat): stat is ProcStat => stat !== undefined);
      const children = new Map<number, ProcStat[]>();
      for (const stat of all) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
      let environments = 0;
      const visit = (pid: number): void => {
        for (const child of children.get(pid) ?? []) {
          if (child.pgrp === emulatorGroup) continue;
          // Live descendants only: an exited one's time is in its parent's waited-for share.
          environments += child.ownCpuMs;
          visit(child.pid);
        }
      };
      visit(process.pid);
      const self = readStat('self');
      const emulator = all.filter((stat) => stat.pgrp === emulatorGroup).reduce((sum, stat) => sum + stat.cpuMs, 0);
      // This process's waited-for share holds exited environments (and nothing of the emulator, which is alive).
      return { self: self?.ownCpuMs ?? 0, environments: environments + (self ? self.cpuMs - self.ownCpuMs : 0), emulator };
    },
  };
}

/** CPU per message between two readings, in µs, and how busy the machine's cores were. */
export function cpuPerMessage(
  before: CpuTimes,
  after: CpuTimes,
  messages: number,
  wallMs: number,
): { readonly self: number; readonly environments: number; readonly emulator: number; readonly busy: number } {
  const per = (key: keyof CpuTimes): number => ((after[key] - before[key]) * 1000) / messages;
  const used = after.self - before.self + (after.environments - before.environments) + (after.emulator - before.emulator);
  return { self: per('self'), environments: per('environments'), emulator: per('emulator'), busy: used / (wallMs * availableParallelism()) };
}

/** Where a drain starts and ends: its wall time, and the CPU readings at both ends when metered. */
export interface DrainWindow {
  open(): void;
  /** Returns the milliseconds since `open`. */
  close(): number;
}

export interface MeteredDrain extends DrainWindow {
  /** CPU per message over the window (after `close`), when a meter was given. */
  perMessage(messages: number): CpuPerMessage | undefined;
}

export type CpuPerMessage = ReturnType<typeof cpuPerMessage>;

/** A drain window read by `meter` (or plain wall time without one). */
export function drainWindow(meter: CpuMeter | undefined): MeteredDrain {
  let start = 0;
  let ms = Number.NaN;
  let before: CpuTimes | undefined;
  let after: CpuTimes | undefined;
  return {
    open() {
      before = meter?.read();
      start = performance.now();
    },
    close() {
      ms = performance.now() - start;
      after = meter?.read();
      return ms;
    },
    perMessage: (messages) => (before && after ? cpuPerMessage(before, after, messages, ms) : undefined),
  };
}
