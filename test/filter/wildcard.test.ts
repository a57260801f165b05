import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileWildcard } from '../../src/filter/wildcard.js';

function regex(value: string): RegExp {
  const result = compileWildcard(value);
  if (!result.ok) throw new Error(result.message);
  return result.regex;
}

describe('compileWildcard', () => {
  it.each([
    { value: 'Simple*Service', text: 'SimpleQueueService', matches: true },
    { value: '*.png', text: '.png', matches: true },
    { value: '*.png', text: 'a.png.txt', matches: false },
    { value: 'a*b*c', text: 'aXbYc', matches: true },
    { value: 'a*b*c', text: 'acb', matches: false },
    { value: '(x)+[y]', text: '(x)+[y]', matches: true },
    { value: '(x)+[y]', text: 'xx[y]', matches: false },
    { value: 'a\\*', text: 'a*', matches: true },
    { value: 'a\\*', text: 'ab', matches: false },
    { value: '\\\\*', text: '\\anything', matches: true },
    { value: '', text: '', matches: true },
    { value: '', text: 'x', matches: false },
  ])('$value against $text: $matches', ({ value, text, matches }) => {
    expect(regex(value).test(text)).toBe(matches);
  });

  it.each([
    { value: 'a**', index: 2, message: 'consecutive wildcard characters' },
    { value: 'a\\b', index: 1, message: 'a backslash may only escape' },
    { value: 'a\\', index: 1, message: 'a backslash may only escape' },
  ])('rejects $value', ({ value, index, message }) => {
    const result = compileWildcard(value);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.index).toBe(index);
      expect(result.message).toContain(message);
    }
  });

  it('a value without wildcards or backslashes matches exactly itself', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !s.includes('*') && !s.includes('\\')), fc.string(), (value, other) => {
        expect(regex(value).test(value)).toBe(true);
        expect(regex(value).test(other)).toBe(other === value);
      }),
    );
  });
});
