import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpuMeter, drainWindow, type CpuMeter, type CpuTimes } from './_cpu.js';

/** Waits for a line on stdin, burns that many ms of its own CPU time, says so, and lives until stdin ends. */
const BURNER = `process.stdin.setEncoding('utf8');
process.stdin.on('data', (line) => {
  const ms = Number(line);
  while (process.cpuUsage().user / 1000 < ms);
  process.stdout.write('burnt\\n');
});`;

function start(ownGroup: boolean): ChildProcess {
  return spawn(process.execPath, ['-e', BURNER], { detached: ownGroup, stdio: ['pipe', 'pipe', 'inherit'] });
}

async function burn(child: ChildProcess, ms: number): Promise<void> {
  const burnt = once(child.stdout!, 'data');
  child.stdin!.write(`${ms}\n`);
  await burnt;
}

async function end(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.stdin!.end();
  await exited;
}

const delta = (meter: CpuMeter, before: CpuTimes): CpuTimes => {
  const now = meter.read();
  return { self: now.self - before.self, environments: now.environments - before.environments, emulator: now.emulator - before.emulator };
};

/** Elsewhere than Linux the meter is not there, and the benchmarks say so. */
const HAS_PROC = existsSync('/proc/self/stat');
const expectUnavailable = (): void => expect(cpuMeter(process.pid)).toBeUndefined();

describe('cpuMeter', () => {
  it("counts the emulator's process group as the emulator's, not as an environment's", async () => {
    if (!HAS_PROC) return expectUnavailable();
    const emulator = start(true);
    try {
      await burn(emulator, 1); // started
      const meter = cpuMeter(emulator.pid)!;
      const before = meter.read();
      await burn(emulator, 300);
      const used = delta(meter, before);
      expect(used.emulator).toBeGreaterThanOrEqual(250);
      expect(used.environments).toBeLessThan(50);
    } finally {
      await end(emulator);
    }
  });

  it('counts other descendants as environments, once, alive or exited', async () => {
    if (!HAS_PROC) return expectUnavailable();
    const emulator = start(true);
    const environment = start(false);
    try {
      await burn(environment, 1);
      const meter = cpuMeter(emulator.pid)!;
      const before = meter.read();
      await burn(environment, 300);
      const live = delta(meter, before);
      expect(live.environments).toBeGreaterThanOrEqual(250);
      expect(live.emulator).toBeLessThan(50);
      // Once it has exited and been waited for, its time is in this process's waited-for share.
      await end(environment);
      const exited = delta(meter, before);
      expect(exited.environments).toBeGreaterThanOrEqual(250);
      expect(exited.environments).toBeLessThan(live.environments + 100);
    } finally {
      await end(emulator);
      if (environment.exitCode === null) await end(environment);
    }
  });

  it('without a meter, a drain window still times', () => {
    const window = drainWindow(undefined);
    window.open();
    expect(window.close()).toBeGreaterThanOrEqual(0);
    expect(window.perMessage(10)).toBeUndefined();
  });
});
