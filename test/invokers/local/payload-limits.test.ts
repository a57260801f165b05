import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../../src/errors.js';
import { assertRequestSize, responseSizeError } from '../../../src/invokers/local/payload-limits.js';

describe('assertRequestSize', () => {
  // @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (6 MB synchronous, 1 MB asynchronous)
  it.each([
    ['RequestResponse', 6 * 1024 * 1024, true],
    ['RequestResponse', 6 * 1024 * 1024 + 1, false],
    ['Event', 1024 * 1024, true],
    ['Event', 1024 * 1024 + 1, false],
  ] as const)('%s with %i bytes accepted: %s', (invocationType, bytes, accepted) => {
    const check = (): void => assertRequestSize('fn', 'x'.repeat(bytes), invocationType);
    if (accepted) expect(check).not.toThrow();
    else expect(check).toThrow(expect.objectContaining({ code: 'RequestEntityTooLarge' }) as SluiceError);
  });

  it('counts bytes, not characters', () => {
    expect(() => assertRequestSize('fn', 'é'.repeat(512 * 1024 + 1), 'Event')).toThrow(SluiceError);
  });
});

describe('responseSizeError', () => {
  it.each([
    [6_291_556, undefined],
    [6_291_557, 'Function.ResponseSizeTooLarge'],
  ])('%i bytes → %s', (bytes, errorType) => {
    expect(responseSizeError('x'.repeat(bytes))?.errorType).toBe(errorType);
  });
});
