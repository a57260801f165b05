'use strict';
// sluice test harness: runs one emulator (argv after this script) in this process's own process group and
// makes sure that group dies with the test process that started it:
//  - SIGTERM / SIGINT / SIGHUP: SIGTERM to the whole group, SIGKILL after a grace period;
//  - stdin closing (our parent exited, even by SIGKILL, so the pipe it held is gone): the same;
//  - the emulator exiting on its own: its leftover descendants get SIGTERM and we exit with its code.
// The parent spawns us with `detached: true`, so the group is ours and `kill(-ourPid)` reaches everything.
const { spawn } = require('node:child_process');

const graceMs = Number(process.env.SLUICE_REAPER_GRACE_MS || 5000);
const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  process.stderr.write('reaper.cjs: usage: node reaper.cjs COMMAND [ARG...]\n');
  process.exit(64);
}

let stopping = false;

function signalGroup(signal) {
  try {
    process.kill(-process.pid, signal);
  } catch {
    // the group is already gone
  }
}

function stopGroup() {
  if (stopping) return;
  stopping = true;
  signalGroup('SIGTERM');
  setTimeout(() => signalGroup('SIGKILL'), graceMs).unref();
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, stopGroup);
process.stdin.on('end', stopGroup);
process.stdin.on('close', stopGroup);
process.stdin.on('error', stopGroup);
process.stdin.resume();

const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });

child.on('error', (err) => {
  process.stderr.write(`reaper.cjs: cannot run ${command}: ${err.message}\n`);
  process.exit(127);
});

child.on('exit', (code, signal) => {
  if (!stopping) {
    process.stderr.write(`reaper.cjs: ${command} exited on its own (${signal === null ? `code ${code}` : signal})\n`);
    stopping = true;
    signalGroup('SIGTERM');
  }
  process.exit(code === null ? 128 : code);
});
