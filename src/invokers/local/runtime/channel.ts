/**
 * The execution environment's line to sluice: the IPC channel of a child
 * process (`isolation: process`, the default), or the parent port of a worker
 * thread (`isolation: thread`). `runtime-main` speaks the same protocol over
 * either.
 */
import { getHeapStatistics } from 'node:v8';
import { isMainThread, parentPort } from 'node:worker_threads';
import type { ChildMessage, ParentMessage } from './protocol.js';

export interface Channel {
  /** Sends `message` (nothing, if sluice is gone). */
  send(message: ChildMessage): void;
  /**
   * Runs `then` once every message sent so far has left (at once, if none is on its way), so
   * that ending the environment cannot drop a result or an init error still being sent.
   */
  afterSent(then: () => void): void;
  /** Listens for sluice's messages; sluice going away ends the environment. */
  listen(listener: (message: ParentMessage) => void): void;
  /** While an invocation runs, the channel alone must not keep the event loop alive (see `beforeExit`). */
  unref(): void;
  ref(): void;
  /** Lambda's "Max Memory Used" so far, in MB. */
  maxMemoryUsedMB(): number;
}

/**
 * Counts the messages on their way out. A send can take a while to complete: a process's
 * `process.send` writes a large message to the IPC pipe over several turns of the event
 * loop, and a thread's waits for the handler's output to drain first (see `afterOutput`).
 */
function inFlight(): { start(): () => void; whenIdle(then: () => void): void } {
  let sending = 0;
  let waiting: (() => void)[] = [];
  return {
    start() {
      sending += 1;
      return () => {
        sending -= 1;
        if (sending > 0) return;
        const callbacks = waiting;
        waiting = [];
        for (const callback of callbacks) callback();
      };
    },
    whenIdle(then) {
      if (sending === 0) then();
      else waiting.push(then);
    },
  };
}

function processChannel(): Channel {
  const sends = inFlight();
  return {
    send(message) {
      if (process.send === undefined || !process.connected) return;
      // The callback runs once the message is written, or with an error if sluice went away.
      process.send(message, undefined, undefined, sends.start());
    },
    afterSent: (then) => sends.whenIdle(then),
    listen(listener) {
      process.on('message', listener);
      process.on('disconnect', () => process.exit(0));
    },
    unref: () => process.channel?.unref(),
    ref: () => process.channel?.ref(),
    // The peak resident set size of the process, as Lambda measures its environments.
    maxMemoryUsedMB: () => Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

function threadChannel(port: NonNullable<typeof parentPort>): Channel {
  // A thread has no resident set of its own: its V8 heap (and the memory V8 accounts to it)
  // is what it uses. Sampled at each result, so the peak is that of the samples.
  let peakBytes = 0;
  const sends = inFlight();
  return {
    send(message) {
      const sent = sends.start();
      // postMessage hands the message to sluice's side of the port at once: it arrives even
      // if the thread exits right after.
      afterOutput(() => {
        port.postMessage(message);
        sent();
      });
    },
    // Output printed after the last message (the runtime's own "Unhandled Promise Rejection"
    // line, say) is also let out, since a thread that exits drops what its streams still hold.
    afterSent: (then) => sends.whenIdle(() => afterOutput(then)),
    listen(listener) {
      port.on('message', listener);
    },
    unref: () => port.unref(),
    ref: () => port.ref(),
    maxMemoryUsedMB() {
      const heap = getHeapStatistics();
      peakBytes = Math.max(peakBytes, heap.total_physical_size + heap.malloced_memory + heap.external_memory);
      return Math.round(peakBytes / (1024 * 1024));
    },
  };
}

/**
 * Runs `next` once everything the handler printed has reached sluice. A worker's stdout and
 * stderr are buffered until sluice acknowledges each chunk, where a child process writes to
 * its pipes synchronously: without this wait, a result could overtake (or, if the environment
 * is then ended, lose) the invocation's last lines of output.
 */
function afterOutput(next: () => void): void {
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) {
    next();
    return;
  }
  const pending = [process.stdout, process.stderr].filter((stream) => stream.writableLength > 0);
  let left = pending.length;
  // A write's callback runs once every write before it is done.
  for (const stream of pending) {
    stream.write('', () => {
      left -= 1;
      if (left === 0) next();
    });
  }
}

/** The channel of this environment, whichever kind it is. */
export function openChannel(): Channel {
  return isMainThread || parentPort === null ? processChannel() : threadChannel(parentPort);
}
