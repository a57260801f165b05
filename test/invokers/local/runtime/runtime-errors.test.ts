import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toLambdaError, unhandledRejection } from '../../../../src/invokers/local/runtime/runtime-errors.js';

class ValidationFailed extends Error {
  override name = 'ValidationFailed';
}

describe('toLambdaError', () => {
  // @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html
  it.each([
    ['an Error', new Error('boom'), 'Error', 'boom'],
    ['a TypeError', new TypeError('bad'), 'TypeError', 'bad'],
    ['a subclass with its own name', new ValidationFailed('invalid'), 'ValidationFailed', 'invalid'],
    ['an error-like object', { name: 'Custom', message: 'like an error', stack: 'Custom: like an error\n    at x' }, 'Custom', 'like an error'],
  ])('%s: errorType is its name, trace its stack lines', (_name, value, errorType, errorMessage) => {
    const payload = toLambdaError(value);
    expect(payload).toMatchObject({ errorType, errorMessage });
    expect(payload.trace?.[0]).toBe(`${errorType}: ${errorMessage}`);
  });

  it.each([
    ['a string', 'plain', 'string', 'plain'],
    ['a number', 42, 'number', '42'],
    ['a boolean', false, 'boolean', 'false'],
    ['an object', { code: 1 }, 'object', '[object Object]'],
  ])('%s: errorType is typeof, no trace', (_name, value, errorType, errorMessage) => {
    expect(toLambdaError(value)).toEqual({ errorType, errorMessage, trace: [] });
  });

  it('any thrown string becomes errorType "string" with the string as message', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(toLambdaError(text)).toEqual({ errorType: 'string', errorMessage: text, trace: [] });
      }),
    );
  });

  it('a value whose toString throws is reported as the runtime does', () => {
    const hostile = { toString: (): string => { throw new Error('no'); } };
    expect(toLambdaError(hostile)).toMatchObject({ errorType: 'handled' });
  });
});

describe('unhandledRejection', () => {
  it('is Runtime.UnhandledPromiseRejection with the reason as text', () => {
    expect(toLambdaError(unhandledRejection(new Error('lost')))).toMatchObject({
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: 'Error: lost',
    });
  });
});
