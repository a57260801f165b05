/**
 * `isolation: process` (the default): each execution environment is a child
 * Node process, which has everything a Lambda environment has: its own time
 * zone (`TZ=:UTC` is process-wide in Node), its own working directory (the
 * task root), a memory ceiling and peak RSS of its own, native addons loaded
 * afresh (non-context-aware addons load once per process), and crashes that
 * cannot take sluice down.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { taskRoot } from './environment-variables.js';
import type { StartHost } from './host.js';
import { lambdaNodeFlags } from './node-options.js';
import type { ChildMessage } from './runtime/protocol.js';

const OOM_MARKER = 'JavaScript heap out of memory';
/** How long to wait for stdio and IPC to drain after the process exits. */
const EXIT_GRACE_MS = 500;

export const startProcess: StartHost = ({ fn, entry, env, output }, events) => {
  const root = taskRoot(fn.invoker);
  const proc = fork(entry, [], {
    cwd: existsSync(root) ? root : process.cwd(),
    env,
    execArgv: lambdaNodeFlags(fn.memorySize),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // The event and response already cross as JSON text: the structured-clone channel copies
    // that text as is, where 'json' would escape and re-parse it (~3x slower for large batches).
    serialization: 'advanced',
  });
  let outOfMemory = false;
  const end = (code: number | null, signal: NodeJS.Signals | null): void => events.onExit({ code, signal, outOfMemory });
  let stderrTail = '';
  proc.stdout?.on('data', (chunk: Buffer) => output.stdout.write(chunk));
  proc.stderr?.on('data', (chunk: Buffer) => {
    const text = stderrTail + chunk.toString('utf8');
    if (text.includes(OOM_MARKER)) outOfMemory = true;
    stderrTail = text.slice(-OOM_MARKER.length);
    output.stderr.write(chunk);
  });
  proc.on('message', (message: ChildMessage) => events.onMessage(message));
  // 'close' comes after every IPC message and stdio byte has been read; if a
  // grandchild process holds the pipes open, 'exit' plus a short grace will do.
  proc.on('close', end);
  proc.on('exit', (code, signal) => {
    setTimeout(() => end(code, signal), EXIT_GRACE_MS).unref();
  });
  proc.on('error', () => {
    if (proc.pid === undefined) end(null, null);
  });
  return {
    send: (message) => proc.send(message),
    kill: () => proc.kill('SIGKILL'),
  };
};
