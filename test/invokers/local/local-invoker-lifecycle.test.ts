import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SluiceError } from '../../../src/errors.js';
import type { InvokeResult } from '../../../src/invokers/invoker.js';
import { closeAll, fixture, harness, ISOLATIONS, localFunction, type LogLine } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'sluice-local-invoker-'));
afterAll(async () => {
  await closeAll();
  rmSync(scratch, { recursive: true, force: true });
});

function scratchDir(): string {
  return mkdtempSync(join(scratch, 'case-'));
}

function payloadOf(result: InvokeResult): Record<string, unknown> {
  expect(result.status).toBe('success');
  return result.status === 'success' ? (result.payload as Record<string, unknown>) : {};
}

function streamOf(lines: readonly LogLine[], requestId: string): unknown {
  return lines.find((line) => line['requestId'] === requestId && line.msg === 'START')?.['logStreamName'];
}

// Every rule holds for both kinds of execution environment, except where a test says otherwise.
describe.each(ISOLATIONS)('isolation: %s', (isolation) => {
  const localFn = (modulePath: string, exportName: string, overrides: Parameters<typeof localFunction>[2] = {}) =>
    localFunction(modulePath, exportName, overrides, isolation);

  describe('execution environments are reused while warm', () => {
    it('runs module scope once: a module-level counter grows across invocations in one environment', async () => {
      const { invoker } = harness(localFn(fixture('handlers.mjs'), 'counter'));
      const results = [];
      for (let i = 0; i < 3; i += 1) results.push(payloadOf(await invoker.invoke({})));
      expect(results.map((r) => r['invocations'])).toEqual([1, 2, 3]);
      expect(new Set(results.map((r) => r['pid'])).size).toBe(1);
      expect(new Set(results.map((r) => r['loadedAt'])).size).toBe(1);
      expect(invoker.environments).toBe(1);
    });
  });

  describe('the function timeout', () => {
    // @see https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts
    it('stops the environment and reports Sandbox.Timedout; the next invocation starts cold', async () => {
      const { invoker, lines } = harness(localFn(fixture('handlers.mjs'), 'sleeps', { timeout: 1 }));
      const startedAt = Date.now();
      const timedOut = await invoker.invoke({ ms: 5000 });
      const elapsed = Date.now() - startedAt;
      expect(timedOut).toEqual({
        status: 'function-error',
        requestId: timedOut.requestId,
        durationMs: expect.any(Number) as unknown,
        functionError: 'Unhandled',
        error: {
          errorType: 'Sandbox.Timedout',
          errorMessage: `RequestId: ${timedOut.requestId} Error: Task timed out after 1.00 seconds`,
        },
      });
      expect(elapsed).toBeLessThan(4000);
      expect(lines.find((l) => l['requestId'] === timedOut.requestId && l.msg === 'REPORT')).toMatchObject({ outcome: 'timeout' });

      const next = await invoker.invoke({ ms: 1 });
      expect(payloadOf(next)['wokeUp']).toBe(true);
      expect(streamOf(lines, next.requestId)).not.toBe(streamOf(lines, timedOut.requestId));
      expect(lines.find((l) => l['requestId'] === next.requestId && l.msg === 'REPORT')?.['initDurationMs']).toBeGreaterThan(0);
      expect(invoker.environments).toBe(1);
    });

    it('applies to a callback handler whose pending interval keeps the event loop busy', async () => {
      const { invoker } = harness(localFn(fixture('callbacks.cjs'), 'waitsForever', { timeout: 1 }));
      const result = await invoker.invoke({});
      expect(result).toMatchObject({ status: 'function-error', error: { errorType: 'Sandbox.Timedout' } });
    });
  });

  describe('callbackWaitsForEmptyEventLoop', () => {
    it('true (default): the callback\'s response is sent once the event loop is empty', async () => {
      const marker = join(scratchDir(), 'marker');
      const { invoker } = harness(localFn(fixture('callbacks.cjs'), 'waitsForEventLoop'));
      expect(payloadOf(await invoker.invoke({ marker }))).toBe('answered');
      expect(existsSync(marker)).toBe(true);
    });

    it('false: the response is sent at once, pending timers notwithstanding', async () => {
      const marker = join(scratchDir(), 'marker');
      const { invoker } = harness(localFn(fixture('callbacks.cjs'), 'doesNotWait'));
      expect(payloadOf(await invoker.invoke({ marker }))).toBe('answered at once');
      expect(existsSync(marker)).toBe(false);
    });
  });

  describe('environments that crash are replaced', () => {
    it.each([
      ['process.exit(1)', 'exits', 'Runtime.ExitError', (id: string) => `RequestId: ${id} Error: Runtime exited with error: exit status 1`],
      ['an exception thrown from a timer', 'uncaught', 'Error', () => 'thrown from a timer'],
      ['an unhandled rejection', 'unhandledRejection', 'Runtime.UnhandledPromiseRejection', () => 'Error: nobody listens'],
    ])('%s fails the invocation in flight, and the next one gets a new environment', async (_name, exportName, errorType, message) => {
      const { invoker, lines } = harness(localFn(fixture('handlers.mjs'), exportName));
      const first = await invoker.invoke({});
      expect(first).toMatchObject({ status: 'function-error', functionError: 'Unhandled', error: { errorType, errorMessage: message(first.requestId) } });
      await vi.waitFor(() => expect(invoker.environments).toBe(0));
      const second = await invoker.invoke({});
      expect(second).toMatchObject({ status: 'function-error', error: { errorType } });
      expect(streamOf(lines, second.requestId)).not.toBe(streamOf(lines, first.requestId));
    });

    // The result may still be on its way out (a thread's waits for its output to drain; a
    // process's large message takes several writes) when the rejection ends the environment.
    it.each([
      ['a small', undefined],
      ['a 1 MB', 1_000_000],
    ])('%s result sent before a floating rejection ends the environment stands; the next invocation starts cold', async (_name, blob) => {
      const { invoker, lines, output } = harness(localFn(fixture('handlers.mjs'), 'answersThenRejects'));
      const first = await invoker.invoke(blob === undefined ? {} : { blob });
      expect(first.status).toBe('success');
      expect(first).toMatchObject({ payload: blob === undefined ? { ok: true } : { ok: true, blob: 'x'.repeat(blob) } });
      expect(lines.find((l) => l['requestId'] === first.requestId && l.msg === 'REPORT')).toMatchObject({ outcome: 'success' });
      // The environment still ends (as Lambda's runtime does), after letting its output out.
      await vi.waitFor(() => expect(invoker.environments).toBe(0));
      await vi.waitFor(() => expect(output.text().stdout).toContain('Unhandled Promise Rejection'));
      expect(output.text().stdout).toContain('answering');

      const second = await invoker.invoke({});
      expect(second).toMatchObject({ status: 'success', payload: { ok: true } });
      expect(streamOf(lines, second.requestId)).not.toBe(streamOf(lines, first.requestId));
    });

    it.each([
      ['a small', undefined],
      ['a 1 MB', 1_000_000],
    ])('an invocation sent at once after %s answer, while that environment is ending, runs in a fresh one (an ending Lambda runtime asks for no more work)', async (_name, blob) => {
      const { invoker, lines } = harness(localFn(fixture('handlers.mjs'), 'answersThenRejects'));
      const first = await invoker.invoke(blob === undefined ? {} : { blob });
      expect(first.status).toBe('success');
      const second = await invoker.invoke({});
      expect(second).toMatchObject({ status: 'success', payload: { ok: true } });
      // It ran in a new environment, whose START comes last (a START may come first from the ending one).
      const starts = lines.filter((l) => l['requestId'] === second.requestId && l.msg === 'START');
      expect(starts.at(-1)?.['logStreamName']).not.toBe(streamOf(lines, first.requestId));
    });

    it('a second unhandled rejection does not end the environment before the first one\'s report has left', async () => {
      const { invoker } = harness(localFn(fixture('handlers.mjs'), 'rejectsTwice'));
      const result = await invoker.invoke({});
      expect(result).toMatchObject({ status: 'function-error', error: { errorType: 'Runtime.UnhandledPromiseRejection' } });
      if (result.status === 'function-error') expect(result.error.errorMessage).toMatch(/^Error: first x+$/);
    });

    it('a process the handler left behind holding the output pipes does not delay the result', async () => {
      const dir = scratchDir();
      const { invoker } = harness(localFn(fixture('handlers.mjs'), 'exitsLeavingChild'));
      const startedAt = Date.now();
      const result = await invoker.invoke({ dir });
      try {
        expect(result).toMatchObject({ status: 'function-error', error: { errorType: 'Runtime.ExitError' } });
        expect(Date.now() - startedAt).toBeLessThan(10_000);
      } finally {
        process.kill(Number(readFileSync(join(dir, 'grandchild.pid'), 'utf8')), 'SIGKILL');
      }
    });

    it('running out of memory (heap capped at the function memory size) is Runtime.OutOfMemory', async () => {
      const { invoker } = harness(localFn(fixture('handlers.mjs'), 'allocates', { memorySize: 128, timeout: 30 }));
      const result = await invoker.invoke({});
      expect(result).toMatchObject({
        status: 'function-error',
        error: { errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${result.requestId} Error: Runtime exited with error: signal: killed` },
      });
    });
  });

  describe('concurrency', () => {
    it('runs at most maxEnvironments invocations at once; the others wait their turn', async () => {
      const dir = scratchDir();
      const { invoker } = harness(localFn(fixture('handlers.mjs'), 'gated'), 2);
      const pending = [1, 2, 3].map((id) => invoker.invoke({ dir, id }));
      await vi.waitFor(() => expect(readdirSync(dir).filter((name) => name.startsWith('started-'))).toHaveLength(2), { timeout: 10_000 });
      const releasedAt = Date.now();
      writeFileSync(join(dir, 'release'), '');
      const results = (await Promise.all(pending)).map(payloadOf);

      const [early, late] = [results.filter((r) => (r['startedAt'] as number) < releasedAt), results.filter((r) => (r['startedAt'] as number) >= releasedAt)];
      expect(early).toHaveLength(2);
      expect(late).toHaveLength(1);
      // The waiter ran after one of the first two finished, in one of their (warm) environments.
      expect(Math.min(...early.map((r) => r['finishedAt'] as number))).toBeLessThanOrEqual(late[0]?.['startedAt'] as number);
      expect(new Set(results.map((r) => r['pid'])).size).toBe(2);
      expect(invoker.environments).toBe(2);
    });

    it('an aborted signal removes a waiting caller (rejecting with its reason) but never stops a running handler', async () => {
      const dir = scratchDir();
      const { invoker } = harness(localFn(fixture('handlers.mjs'), 'gated'), 1);
      const running = new AbortController();
      const first = invoker.invoke({ dir, id: 1 }, { signal: running.signal });
      await vi.waitFor(() => expect(existsSync(join(dir, 'started-1'))).toBe(true), { timeout: 10_000 });
      const waiting = new AbortController();
      const second = invoker.invoke({ dir, id: 2 }, { signal: waiting.signal });
      const reason = new Error('shutting down');
      waiting.abort(reason);
      running.abort(new Error('too late'));
      await expect(second).rejects.toBe(reason);
      writeFileSync(join(dir, 'release'), '');
      expect(payloadOf(await first)['id']).toBe(1);
      expect(existsSync(join(dir, 'started-2'))).toBe(false);
      const already = AbortSignal.abort(new Error('before the call'));
      await expect(invoker.invoke({ dir, id: 3 }, { signal: already })).rejects.toThrow('before the call');
    });
  });

  describe('reload()', () => {
    it('retires warm environments so that the next invocation loads the edited file', async () => {
      const dir = scratchDir();
      const modulePath = join(dir, 'index.mjs');
      writeFileSync(modulePath, "export const handler = async () => 'v1';\n");
      const { invoker } = harness(localFn(modulePath, 'handler'));
      expect(payloadOf(await invoker.invoke({}))).toBe('v1');
      writeFileSync(modulePath, "export const handler = async () => 'v2';\n");
      expect(payloadOf(await invoker.invoke({}))).toBe('v1'); // still warm
      await invoker.reload();
      expect(invoker.environments).toBe(0);
      expect(payloadOf(await invoker.invoke({}))).toBe('v2');
    });

    it('lets an in-flight invocation finish, then retires its environment', async () => {
      const dir = scratchDir();
      const { invoker, lines } = harness(localFn(fixture('handlers.mjs'), 'gated'));
      const inFlight = invoker.invoke({ dir, id: 1 });
      await vi.waitFor(() => expect(existsSync(join(dir, 'started-1'))).toBe(true), { timeout: 10_000 });
      await invoker.reload();
      writeFileSync(join(dir, 'release'), '');
      const first = await inFlight;
      expect(payloadOf(first)['id']).toBe(1);
      const second = await invoker.invoke({ dir, id: 2 });
      expect(streamOf(lines, second.requestId)).not.toBe(streamOf(lines, first.requestId));
    });
  });

  describe('close()', () => {
    it('ends every environment; waiting and later invocations reject with InvokerUnavailable', async () => {
      const dir = scratchDir();
      const { invoker } = harness(localFn(fixture('handlers.mjs'), 'gated'), 1);
      const inFlight = invoker.invoke({ dir, id: 1 });
      await vi.waitFor(() => expect(existsSync(join(dir, 'started-1'))).toBe(true), { timeout: 10_000 });
      const waiting = invoker.invoke({ dir, id: 2 });
      const before = Promise.allSettled([inFlight, waiting]);
      await invoker.close();
      expect(invoker.environments).toBe(0);
      const after = await Promise.allSettled([invoker.invoke({ dir, id: 3 }), invoker.check()]);
      for (const outcome of [...(await before), ...after]) {
        expect(outcome.status).toBe('rejected');
        const reason: unknown = outcome.status === 'rejected' ? outcome.reason : undefined;
        expect(reason).toBeInstanceOf(SluiceError);
        expect((reason as SluiceError).code).toBe('InvokerUnavailable');
      }
    });
  });
});
