import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SluiceError } from '../../../src/errors.js';
import { closeAll, fixture, harness, ISOLATIONS, localFunction } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'sluice-local-check-'));
// A syntax error is written at test time, so no tool that formats the fixtures trips on it.
const syntaxError = join(scratch, 'syntax-error.mjs');
writeFileSync(syntaxError, 'export const handler = async (event) => {\n  return { ok: true ;\n};\n');

afterAll(async () => {
  await closeAll();
  rmSync(scratch, { recursive: true, force: true });
});

const failures = [
  {
    name: 'missing file',
    modulePath: join(scratch, 'nowhere.mjs'),
    exportName: 'handler',
    errorType: 'Runtime.ImportModuleError',
    message: `Error: Cannot find module '${join(scratch, 'nowhere.mjs')}'`,
  },
  {
    name: 'missing export',
    modulePath: fixture('handlers.mjs'),
    exportName: 'nope',
    errorType: 'Runtime.HandlerNotFound',
    message: 'handlers.nope is undefined or not exported',
  },
  {
    name: 'missing nested export',
    modulePath: fixture('handlers.mjs'),
    exportName: 'handlers.refunds',
    errorType: 'Runtime.HandlerNotFound',
    message: 'handlers.handlers.refunds is undefined or not exported',
  },
  {
    name: 'export that is not a function',
    modulePath: fixture('broken/not-a-function.mjs'),
    exportName: 'handler',
    errorType: 'Runtime.HandlerNotFound',
    message: 'not-a-function.handler is not a function',
  },
  {
    name: 'syntax error',
    modulePath: syntaxError,
    exportName: 'handler',
    errorType: 'Runtime.UserCodeSyntaxError',
    message: 'SyntaxError: ',
  },
  {
    name: 'throw at module load',
    modulePath: fixture('broken/throws-at-load.mjs'),
    exportName: 'handler',
    errorType: 'Error',
    message: 'configuration missing at load',
  },
  {
    name: 'missing dependency',
    modulePath: fixture('broken/missing-dependency.cjs'),
    exportName: 'handler',
    errorType: 'Runtime.ImportModuleError',
    message: "Error: Cannot find module './does-not-exist'",
  },
  {
    name: 'process.exit at module load',
    modulePath: fixture('broken/exits-at-load.cjs'),
    exportName: 'handler',
    errorType: 'Runtime.ExitError',
    message: 'Runtime exited with error: exit status 3',
  },
] as const;

// Every rule holds for both kinds of execution environment, except where a test says otherwise.
describe.each(ISOLATIONS)('isolation: %s', (isolation) => {
  const localFn = (modulePath: string, exportName: string, overrides: Parameters<typeof localFunction>[2] = {}) =>
    localFunction(modulePath, exportName, overrides, isolation);

  describe('check()', () => {
    it('starts one environment and loads the module; the first invocation then runs warm in it', async () => {
      const { invoker, lines } = harness(localFn(fixture('handlers.mjs'), 'counter'));
      await invoker.check();
      expect(invoker.environments).toBe(1);
      const result = await invoker.invoke({});
      expect(result).toMatchObject({ status: 'success', payload: { invocations: 1 } });
      expect(invoker.environments).toBe(1);
      // Its REPORT still carries the environment's init duration, as Lambda's first REPORT does.
      expect(lines.find((l) => l['requestId'] === result.requestId && l.msg === 'REPORT')?.['initDurationMs']).toBeGreaterThan(0);
    });

    it.each(failures)('throws HandlerLoadFailed naming file, export and cause: $name', async ({ modulePath, exportName, errorType, message }) => {
      const { invoker } = harness(localFn(modulePath, exportName));
      const error: unknown = await invoker.check().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(SluiceError);
      const sluiceError = error as SluiceError;
      expect(sluiceError.code).toBe('HandlerLoadFailed');
      expect(sluiceError.message).toContain(modulePath);
      expect(sluiceError.message).toContain(`"${exportName}"`);
      expect(sluiceError.message).toContain(errorType);
      expect(sluiceError.message).toContain(message);
      expect((sluiceError.cause as Error).name).toBe(errorType);
      expect(invoker.environments).toBe(0);
    });
  });

  describe('a handler that cannot be loaded, at invoke time', () => {
    it.each(failures)('is an Unhandled function error named as Lambda names it: $name', async ({ modulePath, exportName, errorType, message }) => {
      const { invoker, lines } = harness(localFn(modulePath, exportName));
      const result = await invoker.invoke({});
      expect(result).toMatchObject({ status: 'function-error', functionError: 'Unhandled', error: { errorType } });
      expect(result.status === 'function-error' ? result.error.errorMessage : '').toContain(message);
      expect(lines.find((l) => l['requestId'] === result.requestId && l.msg === 'REPORT')).toMatchObject({ outcome: 'init-error', errorType });
      expect(invoker.environments).toBe(0);
      // Lambda retries Init on the next invocation; so do we, in a new environment.
      expect(await invoker.invoke({})).toMatchObject({ status: 'function-error', error: { errorType } });
    });
  });
});
