import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { liveEmulatorGroups, spawnEmulatorProcess, type EmulatorProcess } from '../harness/emulator-process.js';
import { waitUntilReady } from '../harness/wait-until-ready.js';

const REAPER = fileURLToPath(new URL('../harness/reaper.cjs', import.meta.url));
const SHIM = fileURLToPath(new URL('../harness/recipes/loopback-only.cjs', import.meta.url));

/** A node one-liner that connects to `port` and stays alive; with `grandchild`, it first starts another one like it. */
function connector(port: number, grandchild = false): string {
  const self = `require('node:net').connect(${port}, '127.0.0.1'); setInterval(() => {}, 1000);`;
  if (!grandchild) return self;
  return `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(self)}], { stdio: 'ignore' }); ${self}`;
}

/** A loopback TCP server; `connections(n)` resolves with the first n sockets that connect. */
async function listen(): Promise<{ server: Server; port: number; connections(n: number): Promise<Socket[]> }> {
  const sockets: Socket[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    for (const wake of waiters.splice(0)) wake();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const connections = async (n: number): Promise<Socket[]> => {
    while (sockets.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    return sockets.slice(0, n);
  };
  return { server, port: address.port, connections };
}

const started: EmulatorProcess[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
  for (const server of servers.splice(0)) server.close();
});

function run(script: string): EmulatorProcess {
  const child = spawnEmulatorProcess({ command: process.execPath, args: ['-e', script], env: process.env });
  started.push(child);
  return child;
}

describe('emulator processes', () => {
  it('stop() kills the whole process tree, grandchildren included', async () => {
    const { server, port, connections } = await listen();
    servers.push(server);
    const child = run(connector(port, true));
    expect(liveEmulatorGroups()).toContain(child.pid);
    const sockets = await connections(2);
    const closed = sockets.map((socket) => once(socket, 'close'));
    await child.stop();
    await Promise.all(closed);
    expect(child.exit()).toBeDefined();
    expect(liveEmulatorGroups()).not.toContain(child.pid);
  });

  it('the emulator dies with its parent even when the parent is SIGKILLed', async () => {
    const { server, port, connections } = await listen();
    servers.push(server);
    const parentScript = `
      const { spawn } = require('node:child_process');
      spawn(process.execPath, [${JSON.stringify(REAPER)}, process.execPath, '-e', ${JSON.stringify(connector(port))}],
        { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', parentScript], { stdio: 'ignore' });
    const [socket] = await connections(1);
    if (socket === undefined) throw new Error('no connection');
    const closed = once(socket, 'close');
    parent.kill('SIGKILL');
    await closed;
  });

  it('reports an emulator that exits on its own, with its output and exit code', async () => {
    const child = run(`console.log('boom: cannot bind'); process.exit(3)`);
    await expect(child.exited).resolves.toEqual({ code: 3, signal: null });
    expect(child.output.text()).toContain('boom: cannot bind');
    expect(child.output.text()).toMatch(/exited on its own \(code 3\)/);
  });
});

describe('waitUntilReady', () => {
  const neverReady = async (): Promise<void> => {
    throw new Error('connect ECONNREFUSED');
  };

  it('fails at once when the process exits, quoting its last output', async () => {
    const child = run(`console.error('java.net.BindException: Address already in use'); process.exit(1)`);
    await expect(
      waitUntilReady({ name: 'elasticmq (test)', endpoint: 'http://127.0.0.1:9', probe: neverReady, probeName: 'SQS ListQueues', timeoutMs: 60_000, process: child }),
    ).rejects.toThrow(/elasticmq \(test\) exited before answering SQS ListQueues on http:\/\/127\.0\.0\.1:9 \(code 1\)[^]*BindException/);
  });

  it('times out naming the emulator, the call, the last error and the last output', async () => {
    const child = run(`console.log('still starting'); setInterval(() => {}, 1000)`);
    await vi.waitFor(() => expect(child.output.text()).toContain('still starting'), { timeout: 20_000, interval: 20 });
    await expect(
      waitUntilReady({ name: 'moto (test)', endpoint: 'http://127.0.0.1:9', probe: neverReady, probeName: 'SQS ListQueues', timeoutMs: 300, process: child }),
    ).rejects.toThrow(/moto \(test\) did not answer SQS ListQueues on http:\/\/127\.0\.0\.1:9 within 300 ms \(last error: Error: connect ECONNREFUSED\)[^]*still starting/);
  });

  it('resolves as soon as the probe answers', async () => {
    let calls = 0;
    await waitUntilReady({
      name: 'x',
      endpoint: 'http://127.0.0.1:9',
      probe: async () => {
        calls += 1;
        if (calls < 3) throw new Error('not yet');
      },
      probeName: 'Ping',
      timeoutMs: 10_000,
    });
    expect(calls).toBe(3);
  });
});

describe('loopback-only.cjs (preloaded into kinesis-local)', () => {
  it.each([
    ['listen(0)', 'server.listen(0, report)'],
    ["listen(0, '0.0.0.0')", "server.listen(0, '0.0.0.0', report)"],
    ["listen(0, '::')", "server.listen(0, '::', report)"],
    ['listen({ port: 0 })', 'server.listen({ port: 0 }, report)'],
    ["listen({ port: 0, host: '0.0.0.0' })", "server.listen({ port: 0, host: '0.0.0.0' }, report)"],
  ])('binds %s to 127.0.0.1', async (_name, call) => {
    const script = `const server = require('node:net').createServer();
      const report = () => { console.log(server.address().address); server.close(); };
      ${call};`;
    const child = spawn(process.execPath, ['--require', SHIM, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await once(child, 'close');
    expect(output.trim()).toBe('127.0.0.1');
  });

  it('leaves an explicit non-wildcard host alone', async () => {
    const script = `const server = require('node:net').createServer();
      server.listen(0, '127.0.0.2', () => { console.log(server.address().address); server.close(); });`;
    const child = spawn(process.execPath, ['--require', SHIM, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await once(child, 'close');
    expect(output.trim()).toBe('127.0.0.2');
  });
});
