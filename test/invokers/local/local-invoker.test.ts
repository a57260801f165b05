import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SluiceError } from '../../../src/errors.js';
import type { InvokeResult } from '../../../src/invokers/invoker.js';
import { createLocalInvoker } from '../../../src/invokers/local/local-invoker.js';
import { captureLogger, captureOutput, closeAll, fixture, harness, ISOLATIONS, localFunction } from './helpers.js';

afterAll(closeAll);

function payloadOf(result: InvokeResult): unknown {
  expect(result.status).toBe('success');
  return result.status === 'success' ? result.payload : undefined;
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// Every rule holds for both kinds of execution environment, except where a test says otherwise.
describe.each(ISOLATIONS)('isolation: %s', (isolation) => {
  const localFn = (modulePath: string, exportName: string, overrides: Parameters<typeof localFunction>[2] = {}) =>
    localFunction(modulePath, exportName, overrides, isolation);

  describe('createLocalInvoker: module formats and handler shapes', () => {
    it.each([
      ['ESM .mjs, async handler', 'handlers.mjs', 'echo', { n: 1 }, { event: { n: 1 } }],
      ['ESM .mjs, nested export handlers.orders', 'handlers.mjs', 'handlers.orders', { id: 7 }, { nested: true, event: { id: 7 } }],
      ['CJS .cjs, nested export nested.deep.handler', 'callbacks.cjs', 'nested.deep.handler', {}, 'cjs nested'],
      ['.js under package.json "type": "module" loads as ESM', 'esm-pkg/handler.js', 'handler', {}, { format: 'esm' }],
      ['.js under package.json "type": "commonjs" loads as CJS', 'cjs-pkg/handler.js', 'handler', {}, { format: 'cjs' }],
      ['callback(null, result)', 'callbacks.cjs', 'succeeds', { n: 21 }, { doubled: 42 }],
      ['legacy context.succeed(result)', 'callbacks.cjs', 'succeedMethod', {}, { legacy: true }],
      ['sync handler returning a promise', 'handlers.mjs', 'syncPromise', {}, { via: 'promise' }],
      ['sync handler returning a plain value answers null, as the Node.js runtime does', 'handlers.mjs', 'syncValue', {}, null],
      ['callback handler that never calls back answers null once the event loop is empty', 'callbacks.cjs', 'neverCalls', {}, null],
      ['undefined result becomes null', 'handlers.mjs', 'returnsUndefined', {}, null],
      ['a result JSON.stringify makes undefined (a function) becomes null', 'handlers.mjs', 'returnsFunction', {}, null],
      ['a result JSON.stringify makes undefined (toJSON returns undefined) becomes null', 'handlers.mjs', 'returnsUndefinedJson', {}, null],
    ])('%s', async (_name, file, exportName, event, expected) => {
      const { invoker } = harness(localFn(fixture(file), exportName));
      const result = await invoker.invoke(event);
      const payload = payloadOf(result);
      if (typeof payload === 'object' && payload !== null && 'pid' in payload) delete (payload as { pid?: unknown }).pid;
      expect(payload).toEqual(expected);
      expect(result.requestId).toMatch(UUID_V4);
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
    });
  });

  describe('createLocalInvoker: function errors as the Node.js runtime reports them', () => {
    it.each([
      ['thrown Error subclass: errorType is err.name', 'handlers.mjs', 'throwsError', 'OrderRejected', 'order 42 rejected', true],
      ['thrown string: errorType "string"', 'handlers.mjs', 'throwsString', 'string', 'plain string', false],
      ['rejected promise', 'handlers.mjs', 'rejects', 'TypeError', 'bad input', true],
      ['synchronous throw', 'handlers.mjs', 'syncThrows', 'RangeError', 'out of range', true],
      ['callback(err)', 'callbacks.cjs', 'fails', 'Error', 'callback failure', true],
      ['context.fail() with no error', 'callbacks.cjs', 'failMethod', 'string', 'handled', false],
      ['response that is not JSON-serializable', 'handlers.mjs', 'notSerializable', 'Error', 'Unable to stringify response body', true],
    ])('%s', async (_name, file, exportName, errorType, errorMessage, hasTrace) => {
      const { invoker } = harness(localFn(fixture(file), exportName));
      const result = await invoker.invoke({});
      expect(result).toMatchObject({ status: 'function-error', functionError: 'Unhandled', error: { errorType, errorMessage } });
      if (result.status !== 'function-error') return;
      if (hasTrace) expect(result.error.trace?.[0]).toContain(errorMessage);
      else expect(result.error.trace).toEqual([]);
    });

    it('an async handler whose promise never settles fails with Runtime.NodeJsExit when the event loop empties', async () => {
      const { invoker } = harness(localFn(fixture('handlers.mjs'), 'neverSettles'));
      const result = await invoker.invoke({});
      expect(result).toMatchObject({
        status: 'function-error',
        error: { errorType: 'Runtime.NodeJsExit', errorMessage: 'Lambda runtime client detected an unexpected Node.js exit code.' },
      });
    });
  });

  describe('createLocalInvoker: the context object', () => {
    it('has Lambda\'s fields, and getRemainingTimeInMillis decreases from the timeout', async () => {
      const { invoker } = harness(localFn(fixture('handlers.mjs'), 'context', { timeout: 5, memorySize: 512 }));
      const result = await invoker.invoke({});
      const ctx = payloadOf(result) as Record<string, unknown> & { remaining: [number, number] };
      expect(ctx).toMatchObject({
        awsRequestId: result.requestId,
        functionName: 'orders-fn',
        functionVersion: '$LATEST',
        invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-fn',
        memoryLimitInMB: '512',
        logGroupName: '/aws/lambda/orders-fn',
        callbackWaitsForEmptyEventLoop: true,
        methods: ['function', 'function', 'function', 'function'],
      });
      expect(ctx['logStreamName']).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
      const [first, second] = ctx.remaining;
      expect(first).toBeLessThanOrEqual(5000);
      expect(first).toBeGreaterThan(4000);
      expect(second).toBeLessThanOrEqual(first - 40); // 50 ms slept; Date.now() rounding allows a little less
    });
  });

  describe('createLocalInvoker: the node flags of Lambda\'s Node.js runtime (its /var/runtime/bootstrap)', () => {
    it.each([128, 512])('memorySize %i: a V8 heap of about that size, a tenth of it young', async (memorySize) => {
      const { invoker } = harness(localFn(fixture('handlers.mjs'), 'runtimeFlags', { memorySize }));
      const flags = payloadOf(await invoker.invoke({})) as { gc: string; maxHeaderSize: number; heapSizeLimitMb: number };
      // V8's ceiling is old space + young generation (+ a little): within 10% of memorySize, where
      // an old space of memorySize alone, with V8's default young generation, went 20-40% over.
      expect(flags.heapSizeLimitMb).toBeGreaterThanOrEqual(memorySize * 0.9);
      expect(flags.heapSizeLimitMb).toBeLessThanOrEqual(memorySize * 1.1);
      if (isolation === 'process') {
        expect(flags).toMatchObject({ gc: 'function', maxHeaderSize: 81920 });
      } else {
        // A thread has sluice's V8 and HTTP flags, which are per process.
        expect(flags.gc).toBe(typeof (globalThis as { gc?: unknown }).gc);
      }
    });
  });

  describe('createLocalInvoker: environment variables', () => {
    it('sets the function environment and Lambda\'s reserved variables in the environment only', async () => {
      const modulePath = fixture('handlers.mjs');
      const { invoker } = harness(localFn(modulePath, 'environment', { environment: { GREETING: 'hello' }, memorySize: 1024 }));
      const before = { ...process.env };
      const payload = payloadOf(await invoker.invoke({})) as {
        env: Record<string, string>;
        timezone: string;
        offset: number;
        cwd: string;
      };
      expect(payload.env).toEqual({
        GREETING: 'hello',
        AWS_LAMBDA_FUNCTION_NAME: 'orders-fn',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/orders-fn',
        AWS_LAMBDA_LOG_STREAM_NAME: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/) as unknown,
        AWS_REGION: 'eu-west-1',
        AWS_DEFAULT_REGION: 'eu-west-1',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
        LAMBDA_TASK_ROOT: dirname(modulePath),
        _HANDLER: 'handlers.environment',
        TZ: ':UTC',
      });
      if (isolation === 'process') {
        // A process of its own: Lambda's UTC and the task root as working directory.
        expect(payload.timezone).toBe('UTC');
        expect(payload.offset).toBe(0);
        expect(payload.cwd).toBe(dirname(modulePath));
      } else {
        // A thread shares both with sluice (documented in README, "Functions").
        expect(payload.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
        expect(payload.cwd).toBe(process.cwd());
      }
      expect(process.env).toEqual(before);
      expect(process.env['GREETING']).toBeUndefined();
      expect(process.env['SET_BY_HANDLER']).toBeUndefined();
      expect(process.env['AWS_LAMBDA_FUNCTION_NAME']).toBeUndefined();
    });
  });

  describe('createLocalInvoker: handler output and logs', () => {
    it('prints console output in Lambda\'s text format and logs START, END and REPORT', async () => {
      const { invoker, lines, output } = harness(localFn(fixture('handlers.mjs'), 'logs', { memorySize: 256 }));
      const first = await invoker.invoke({ name: 'sluice' });
      const second = await invoker.invoke({ name: 'again' });
      await invoker.close();

      const { stdout } = output.text();
      const iso = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z';
      expect(stdout).toMatch(new RegExp(`^${iso}\\t${first.requestId}\\tINFO\\thello sluice$`, 'm'));
      expect(stdout).toMatch(new RegExp(`^${iso}\\t${first.requestId}\\tERROR\\tsomething odd$`, 'm'));
      expect(stdout).toMatch(new RegExp(`^${iso}\\t${second.requestId}\\tINFO\\thello again$`, 'm'));

      const forFirst = lines.filter((line) => line['requestId'] === first.requestId);
      expect(forFirst.map((line) => line.msg)).toEqual(['START', 'END', 'REPORT']);
      expect(forFirst[0]).toMatchObject({ level: 30, function: 'orders-fn' });
      const report = forFirst[2];
      expect(report).toMatchObject({ level: 30, function: 'orders-fn', memorySizeMB: 256, outcome: 'success' });
      expect(report?.['billedDurationMs']).toBe(Math.ceil(first.durationMs));
      // A process reports its peak RSS (a Node process: tens of MB); a thread, its V8 heap (a few MB).
      expect(report?.['maxMemoryUsedMB']).toBeGreaterThan(isolation === 'process' ? 10 : 1);
      expect(report?.['initDurationMs']).toBeGreaterThan(0);
      const secondReport = lines.find((line) => line['requestId'] === second.requestId && line.msg === 'REPORT');
      expect(secondReport).toBeDefined();
      expect(secondReport?.['initDurationMs']).toBeUndefined();
    });
  });

  describe('createLocalInvoker: a logger already bound to the function', () => {
    it('does not repeat the function key', async () => {
      const { logger, raw } = captureLogger();
      const output = captureOutput();
      const invoker = createLocalInvoker({
        fn: localFn(fixture('handlers.mjs'), 'echo'),
        region: 'eu-west-1',
        account: '123456789012',
        logger: logger.child({ function: 'orders-fn' }),
        output,
      });
      try {
        await invoker.invoke({});
      } finally {
        await invoker.close();
      }
      const start = raw.find((line) => line.includes('"START"')) ?? '';
      expect(start.match(/"function":/g)).toHaveLength(1);
    });
  });

  describe('createLocalInvoker: payload limits', () => {
    it('rejects an event over the invoke limit with RequestEntityTooLarge, before any environment starts', async () => {
      const { invoker } = harness(localFn(fixture('handlers.mjs'), 'echo'));
      const tooBig = { data: 'x'.repeat(6 * 1024 * 1024) };
      await expect(invoker.invoke(tooBig)).rejects.toSatisfy((err) => err instanceof SluiceError && err.code === 'RequestEntityTooLarge');
      const oneMegabyteAndMore = { data: 'x'.repeat(1024 * 1024) };
      await expect(invoker.invoke(oneMegabyteAndMore, { invocationType: 'Event' })).rejects.toBeInstanceOf(SluiceError);
      expect(invoker.environments).toBe(0);
    });

    it('fails a response over 6 MB with Function.ResponseSizeTooLarge', async () => {
      const { invoker } = harness(localFn(fixture('handlers.mjs'), 'big'));
      expect(await invoker.invoke({ size: 6_300_000 })).toMatchObject({
        status: 'function-error',
        error: { errorType: 'Function.ResponseSizeTooLarge' },
      });
      expect(payloadOf(await invoker.invoke({ size: 10 }))).toBe('xxxxxxxxxx');
    });
  });
});

describe('isolation: thread and the time zone', () => {
  // A thread cannot have Lambda's TZ=:UTC of its own: the time zone is the process's.
  it.each([
    ['America/New_York', true],
    ['UTC', false],
  ])('sluice in %s: warns that the handler does not run in UTC: %s', async (timeZone, warns) => {
    const saved = process.env['TZ'];
    process.env['TZ'] = timeZone;
    try {
      const { invoker, lines } = harness(localFunction(fixture('handlers.mjs'), 'environment', {}, 'thread'));
      const warning = lines.find((line) => line.level === 40 && line.msg.includes('time zone'));
      expect(warning !== undefined).toBe(warns);
      if (warns) {
        expect(warning).toMatchObject({ function: 'orders-fn', timeZone });
        const payload = payloadOf(await invoker.invoke({})) as { timezone: string };
        expect(payload.timezone).toBe(timeZone);
      }
    } finally {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    }
  });
});
