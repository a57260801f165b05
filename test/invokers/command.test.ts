import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { CommandInvokerConfig, FunctionConfig } from '../../src/config/types.js';
import { SluiceError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { createCommandInvoker, type CommandInvokerDeps } from '../../src/invokers/command/index.js';
import type { InvokeResult, Invoker } from '../../src/invokers/invoker.js';
import { captureLogger } from './fixtures/capture-logger.js';
import { isRunning } from './fixtures/processes.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sluice-command-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
writeFileSync(join(scratch, 'run.sh'), '#!/bin/sh\ncat\n', { mode: 0o755 });

const adapters = {
  python: { oneShot: ['python3', 'python/oneshot.py'], persistent: ['python3', 'python/persistent.py'], errorType: 'ValidationError' },
  node: { oneShot: ['node', 'node/oneshot.mjs'], persistent: ['node', 'node/persistent.mjs'], errorType: 'ValidationError' },
} as const;
const languages = Object.keys(adapters) as (keyof typeof adapters)[];

const open: Invoker[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((invoker) => invoker.close()));
});

function invokerFor(
  command: readonly string[],
  options: { persistent?: boolean; timeout?: number; cwd?: string } & Partial<Omit<CommandInvokerDeps, 'fn' | 'config'>> = {},
): Invoker {
  const config: CommandInvokerConfig = {
    type: 'command',
    command,
    persistent: options.persistent ?? false,
    cwd: options.cwd ?? fixtures,
  };
  const fn: FunctionConfig = {
    name: 'orders-handler',
    invoker: config,
    timeout: options.timeout ?? 10,
    memorySize: 256,
    environment: { CUSTOM_SETTING: 'from-config', AWS_LAMBDA_FUNCTION_NAME: 'cannot-override' },
  };
  const invoker = createCommandInvoker({
    fn,
    config,
    logger: options.logger ?? silentLogger,
    region: 'eu-west-1',
    account: '123456789012',
    ...(options.maxEnvironments === undefined ? {} : { maxEnvironments: options.maxEnvironments }),
  });
  open.push(invoker);
  return invoker;
}

function payloadOf(result: InvokeResult): unknown {
  if (result.status !== 'success') throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result.payload;
}

function errorOf(result: InvokeResult): { errorType: string; errorMessage: string; trace?: readonly string[] } {
  if (result.status !== 'function-error') throw new Error(`expected a function error, got ${JSON.stringify(result)}`);
  expect(result.functionError).toBe('Unhandled');
  return result.error;
}

async function hangAndTimeOut(invoker: Invoker, name: string): Promise<void> {
  const pidFile = join(scratch, `${name}.json`);
  const result = await invoker.invoke({ op: 'hang', pidFile });
  expect(errorOf(result)).toEqual({
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${result.requestId} Error: Task timed out after 1.00 seconds`,
  });
  const { pid, child } = JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number; child: number };
  // The function and the process it started are both killed (the whole process group).
  await vi.waitFor(() => {
    expect(isRunning(pid)).toBe(false);
    expect(isRunning(child)).toBe(false);
  });
}

describe.each(languages)('%s adapters', (language) => {
  const adapter = adapters[language];

  describe.each([
    { mode: 'one-shot', persistent: false, command: adapter.oneShot },
    { mode: 'persistent', persistent: true, command: adapter.persistent },
  ])('$mode', ({ persistent, command }) => {
    it('passes the event on and returns the function result', async () => {
      const invoker = invokerFor(command, { persistent });
      const result = await invoker.invoke({ op: 'echo', value: { id: 'a-1', n: [1, 2] } });
      expect(payloadOf(result)).toMatchObject({ echo: { id: 'a-1', n: [1, 2] } });
      expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('runs with the function environment and the variables Lambda defines', async () => {
      const invoker = invokerFor(command, { persistent });
      const result = await invoker.invoke({ op: 'env' });
      expect(payloadOf(result)).toEqual({
        functionName: 'orders-handler',
        region: 'eu-west-1',
        custom: 'from-config',
        requestId: result.requestId,
      });
    });

    it('reports a raised error as the function error the adapter printed', async () => {
      const invoker = invokerFor(command, { persistent });
      const error = errorOf(await invoker.invoke({ op: 'raise', message: 'quantity must be positive' }));
      expect(error).toMatchObject({ errorType: adapter.errorType, errorMessage: 'quantity must be positive' });
      expect(error.trace?.length).toBeGreaterThan(0);
    });

    it('reports an exit as Runtime.ExitError with stderr as the message', async () => {
      const invoker = invokerFor(command, { persistent });
      const error = errorOf(await invoker.invoke({ op: 'exit', message: 'cannot open database' }));
      expect(error).toEqual({ errorType: 'Runtime.ExitError', errorMessage: 'fatal: cannot open database' });
    });

    it('logs stderr lines as the function logs', async () => {
      const { logger, entries } = captureLogger();
      const invoker = invokerFor(command, { persistent, logger });
      expect(payloadOf(await invoker.invoke({ op: 'log' }))).toBe('logged');
      await vi.waitFor(() =>
        expect(entries()).toContainEqual(
          expect.objectContaining({ msg: 'function.log', line: `log line from ${language}` }),
        ),
      );
    });

    it('kills the process tree when the function runs past its timeout', async () => {
      const invoker = invokerFor(command, { persistent, timeout: 1 });
      await hangAndTimeOut(invoker, `${language}-${String(persistent)}`);
      // The next invocation gets a working environment again.
      expect(payloadOf(await invoker.invoke({ op: 'echo', value: 'after' }))).toMatchObject({ echo: 'after' });
    });
  });

  it('keeps module state between invocations in persistent mode (a warm environment)', async () => {
    const invoker = invokerFor(adapter.persistent, { persistent: true });
    const counts = [];
    for (let i = 0; i < 3; i += 1) counts.push(payloadOf(await invoker.invoke({ op: 'count' })));
    expect(counts.map((c) => (c as { count: number }).count)).toEqual([1, 2, 3]);
    expect(new Set(counts.map((c) => (c as { pid: number }).pid)).size).toBe(1);
  });

  it('starts cold for every invocation in one-shot mode', async () => {
    const invoker = invokerFor(adapter.oneShot);
    const counts = [];
    for (let i = 0; i < 3; i += 1) counts.push(payloadOf(await invoker.invoke({ op: 'count' })));
    expect(counts.map((c) => (c as { count: number }).count)).toEqual([1, 1, 1]);
  });

  it('replaces a persistent process that crashed', async () => {
    const invoker = invokerFor(adapter.persistent, { persistent: true });
    const first = payloadOf(await invoker.invoke({ op: 'count' })) as { count: number; pid: number };
    expect(errorOf(await invoker.invoke({ op: 'exit' })).errorType).toBe('Runtime.ExitError');
    const after = payloadOf(await invoker.invoke({ op: 'count' })) as { count: number; pid: number };
    expect(after.count).toBe(1);
    expect(after.pid).not.toBe(first.pid);
    expect(isRunning(first.pid)).toBe(false);
  });

  it('logs stray stdout lines of a persistent process instead of taking them as the response', async () => {
    const { logger, entries } = captureLogger();
    const invoker = invokerFor(adapter.persistent, { persistent: true, logger });
    expect(payloadOf(await invoker.invoke({ op: 'print' }))).toBe('printed');
    expect(entries()).toContainEqual(expect.objectContaining({ msg: 'function.log', stream: 'stdout', line: 'stray print on stdout' }));
  });
});

describe('persistent pool', () => {
  const command = adapters.node.persistent;

  it('starts one environment per concurrent invocation and reuses idle ones', async () => {
    const invoker = invokerFor(command, { persistent: true });
    const concurrent = await Promise.all([1, 2, 3].map((value) => invoker.invoke({ op: 'wait', ms: 200, value })));
    const pids = concurrent.map((result) => (payloadOf(result) as { pid: number }).pid);
    expect(new Set(pids).size).toBe(3);
    const next = payloadOf(await invoker.invoke({ op: 'echo' })) as { pid: number };
    expect(pids).toContain(next.pid);
  });

  it('queues invocations past maxEnvironments in FIFO order', async () => {
    const invoker = invokerFor(command, { persistent: true, maxEnvironments: 1 });
    const finished: number[] = [];
    const results = await Promise.all(
      [1, 2, 3, 4].map(async (value) => {
        const result = await invoker.invoke({ op: 'wait', ms: 20, value });
        finished.push(value);
        return payloadOf(result) as { pid: number };
      }),
    );
    expect(finished).toEqual([1, 2, 3, 4]);
    expect(new Set(results.map((r) => r.pid)).size).toBe(1);
  });

  it('kills the processes on close and refuses invocations after it', async () => {
    const invoker = invokerFor(command, { persistent: true });
    const { pid } = payloadOf(await invoker.invoke({ op: 'echo' })) as { pid: number };
    await invoker.close();
    await vi.waitFor(() => expect(isRunning(pid)).toBe(false));
    await expect(invoker.invoke({ op: 'echo' })).rejects.toMatchObject({ code: 'InvokerUnavailable' });
  });

  it('kills the process and rejects with the reason when the caller aborts', async () => {
    const invoker = invokerFor(command, { persistent: true });
    const { pid } = payloadOf(await invoker.invoke({ op: 'echo' })) as { pid: number };
    const controller = new AbortController();
    const pending = invoker.invoke({ op: 'wait', ms: 30_000 }, { signal: controller.signal });
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
    await vi.waitFor(() => expect(isRunning(pid)).toBe(false));
  });
});

describe('one-shot output', () => {
  it.each([
    { name: 'text on stdout is the result as a string', script: 'printf "plain text"', expected: 'plain text' },
    { name: 'empty stdout is null', script: 'true', expected: null },
    { name: 'JSON on stdout is parsed', script: 'printf \'{"batchItemFailures":[]}\'', expected: { batchItemFailures: [] } },
  ])('$name', async ({ script, expected }) => {
    const invoker = invokerFor(['sh', '-c', `cat > /dev/null; ${script}`]);
    expect(payloadOf(await invoker.invoke({}))).toEqual(expected);
  });

  it.each([
    {
      name: 'a Lambda error payload on the last stdout line is the function error',
      script: 'echo progress; echo \'{"errorType":"KeyError","errorMessage":"sku"}\'; echo ignored >&2; exit 1',
      expected: { errorType: 'KeyError', errorMessage: 'sku' },
    },
    {
      name: 'without stderr, the exit status is the message',
      script: 'exit 4',
      expected: { errorType: 'Runtime.ExitError', errorMessage: expect.stringMatching(/Runtime exited with error: exit status 4$/) },
    },
    {
      name: 'a process killed by a signal says so',
      script: 'kill -9 $$',
      expected: { errorType: 'Runtime.ExitError', errorMessage: expect.stringMatching(/Runtime exited with error: signal: SIGKILL$/) },
    },
  ])('$name', async ({ script, expected }) => {
    const invoker = invokerFor(['sh', '-c', `cat > /dev/null; ${script}`]);
    expect(errorOf(await invoker.invoke({}))).toEqual(expected);
  });

  it('keeps only the last 4 KB of stderr in the error message', async () => {
    const invoker = invokerFor(['sh', '-c', 'cat > /dev/null; head -c 10000 /dev/zero | tr "\\0" a >&2; echo; echo END >&2; exit 1']);
    const error = errorOf(await invoker.invoke({}));
    expect(error.errorMessage.endsWith('END')).toBe(true);
    expect(Buffer.byteLength(error.errorMessage)).toBeLessThanOrEqual(4096);
  });

  it('returns when the command exits even if a process that left its group keeps stdout open', async () => {
    const pidFile = join(scratch, 'escaped.pid');
    const invoker = invokerFor(['sh', '-c', `cat > /dev/null; setsid sh -c 'echo $$ > ${pidFile}; exec sleep 30' & while [ ! -s ${pidFile} ]; do :; done; echo '"done"'`]);
    try {
      expect(payloadOf(await invoker.invoke({}))).toBe('done');
    } finally {
      const escaped = Number(readFileSync(pidFile, 'utf8'));
      if (escaped > 0) process.kill(escaped, 'SIGKILL');
    }
  });

  it('passes the event on stdin', async () => {
    const invoker = invokerFor(['sh', '-c', 'cat']);
    const event = { Records: [{ messageId: 'm-1', body: 'héllo\nworld' }] };
    expect(payloadOf(await invoker.invoke(event))).toEqual(event);
  });
});

describe('check', () => {
  it.each([
    { name: 'a program on PATH', command: ['python3', 'x.py'], cwd: fixtures, ok: true },
    { name: 'an executable path relative to cwd', command: ['./run.sh'], cwd: scratch, ok: true },
    { name: 'a file that is not executable', command: ['./oneshot.py'], cwd: join(fixtures, 'python'), ok: false },
    { name: 'a missing program', command: ['no-such-program-sluice'], cwd: fixtures, ok: false },
    { name: 'a missing working directory', command: ['python3'], cwd: join(fixtures, 'missing'), ok: false },
  ])('$name', async ({ command, cwd, ok }) => {
    const invoker = invokerFor(command, { cwd });
    if (ok) await expect(invoker.check?.()).resolves.toBeUndefined();
    else await expect(invoker.check?.()).rejects.toMatchObject({ code: 'HandlerLoadFailed' });
  });

  it.each([false, true])('invoke with a missing program throws HandlerLoadFailed (persistent: %s)', async (persistent) => {
    const invoker = invokerFor(['no-such-program-sluice'], { persistent });
    const err = await invoker.invoke({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SluiceError);
    expect(err).toMatchObject({ code: 'HandlerLoadFailed', retryable: false });
  });
});
