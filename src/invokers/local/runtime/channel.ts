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
  /** Sends `message`; `then` runs once it has left (or at once, if sluice is gone). */
  send(message: ChildMessage, then?: () => void): void;
  /** Listens for sluice's messages; sluice going away ends the environment. */
  listen(listener: (message: ParentMessage) => void): void;
  /** While an invocation runs, the channel alone must not keep the event loop alive (see `beforeExit`). */
  unref(): void;
  ref(): void;
  /** Lambda's "Max Memory Used" so far, in MB. */
  maxMemoryUsedMB(): number;
}

function processChannel(): Channel {
  return {
    send(message, then) {
      if (process.send === undefined || !process.connected) {
        then?.();
        return;
      }
      process.send(message, undefined, undefined, () => then?.());
    },
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
  return {
    send(message, then) {
      // postMessage hands the message to sluice's side of the port at once: it arrives even
      // if the thread exits right after.
      afterOutput(() => {
        port.postMessage(message);
        then?.();
      });
    },
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
