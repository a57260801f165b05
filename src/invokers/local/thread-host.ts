/**
 * `isolation: thread`: each execution environment is a worker thread in
 * sluice's process. Cheaper than a process to start (about a third of the
 * time) and to talk to (a warm round trip about a quarter shorter; see `npm run
 * bench -- local`), and a debugger attached to sluice reaches every handler's
 * thread. What a thread has of its own: module scope, globals, `process.env`
 * (a copy), a V8 heap split and capped as Lambda's for the function's memory
 * size (`node-options.ts`), `process.exit()` and uncaught errors that end only
 * the thread. What it shares with sluice, unlike a Lambda environment: the time
 * zone (sluice's, not `TZ=:UTC`), the working directory (`process.chdir()`
 * throws in a worker), V8's flags (no `global.gc` unless sluice itself runs with
 * `--expose-gc`), the process's native addons and its fate on a native crash.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { StartHost } from './host.js';
import { lambdaHeap } from './node-options.js';
import type { ChildMessage } from './runtime/protocol.js';

/** How long to wait for the thread's output to drain after it exits. */
const EXIT_GRACE_MS = 500;

export const startThread: StartHost = ({ fn, entry, env, output }, events) => {
  let killed = false;
  let outOfMemory = false;
  let worker: Worker;
  const heap = lambdaHeap(fn.memorySize);
  try {
    worker = new Worker(entry, {
      env,
      // Not sluice's own flags (a TypeScript loader, --inspect-brk, heap sizes).
      execArgv: [],
      argv: [],
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: heap.oldSpaceMb, maxYoungGenerationSizeMb: heap.youngGenerationMb },
    });
  } catch {
    queueMicrotask(() => events.onExit({ code: null, signal: null, outOfMemory: false }));
    return { send: () => undefined, kill: () => undefined };
  }
  worker.stdout.on('data', (chunk: Buffer) => output.stdout.write(chunk));
  worker.stderr.on('data', (chunk: Buffer) => output.stderr.write(chunk));
  worker.on('message', (message: ChildMessage) => events.onMessage(message));
  worker.on('error', (err: Error & { code?: string }) => {
    // Uncaught errors are the runtime's to report; this one ends the thread before it can.
    if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') outOfMemory = true;
  });
  // Node delivers what the thread posted before 'exit'; its output may still be in the streams.
  const drained = Promise.all([once(worker.stdout, 'end'), once(worker.stderr, 'end')]);
  worker.on('exit', (code) => {
    const exit = { code: killed ? null : code, signal: killed ? ('SIGKILL' as const) : null, outOfMemory };
    const report = (): void => events.onExit(exit);
    drained.then(report, report);
    setTimeout(report, EXIT_GRACE_MS).unref();
  });
  return {
    send: (message) => worker.postMessage(message),
    kill() {
      killed = true;
      void worker.terminate();
    },
  };
};
