import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeInterpolation, interpolate } from '../../src/config/interpolate.js';

const env = { HOST: 'localhost', EMPTY: '', PORT: '4566' };

describe('interpolate', () => {
  it.each([
    { text: 'plain', value: 'plain', changed: false },
    { text: '${HOST}:${PORT}', value: 'localhost:4566', changed: true },
    { text: 'http://${HOST}/x', value: 'http://localhost/x', changed: true },
    { text: '${MISSING:-fallback}', value: 'fallback', changed: true },
    { text: '${EMPTY:-fallback}', value: 'fallback', changed: true },
    { text: '${EMPTY-fallback}', value: '', changed: true },
    { text: '${MISSING-fallback}', value: 'fallback', changed: true },
    { text: '${MISSING:-}', value: '', changed: true },
    { text: '${HOST:-other}', value: 'localhost', changed: true },
    { text: '$${HOST}', value: '${HOST}', changed: true },
    { text: '$$${HOST}', value: '$${HOST}', changed: true },
    { text: 'cost: $5 and $HOST', value: 'cost: $5 and $HOST', changed: false },
    { text: 'trailing $', value: 'trailing $', changed: false },
  ])('$text → $value', ({ text, value, changed }) => {
    expect(interpolate(text, env)).toEqual({ value, changed, problems: [] });
  });

  it.each([
    {
      text: 'queue-${STAGE}',
      problems: [{ offset: 6, message: 'environment variable "STAGE" is not set (write "${STAGE:-default}" to give a default)' }],
    },
    { text: 'a ${HOST', problems: [{ offset: 2, message: 'unterminated "${" (write "$${" for a literal "${")' }] },
    {
      text: '${1X}',
      problems: [
        { offset: 0, message: 'invalid reference "${1X}": a variable name is letters, digits and "_", not starting with a digit' },
      ],
    },
    {
      text: 'x${HOST:?err}',
      problems: [
        { offset: 1, message: 'invalid reference "${HOST:?err}": expected "${NAME}", "${NAME:-default}" or "${NAME-default}"' },
      ],
    },
    {
      text: '${A:-${B}}',
      problems: [{ offset: 0, message: 'invalid reference "${A:-${B}": a default cannot contain another reference' }],
    },
  ])('reports $text at the reference', ({ text, problems }) => {
    expect(interpolate(text, env).problems).toEqual(problems);
  });

  it('reports every unset variable of a string', () => {
    expect(interpolate('${A}-${B}', {}).problems.map((problem) => problem.offset)).toEqual([0, 5]);
  });

  it('never reads variables inherited from Object.prototype', () => {
    expect(interpolate('${constructor}', {}).problems).toHaveLength(1);
  });

  it('never throws, and finds no unset variable when every variable is set', () => {
    const fullEnv = new Proxy({} as Record<string, string>, {
      get: (_target, name) => (typeof name === 'string' ? `<${name}>` : undefined),
      has: () => true,
      getOwnPropertyDescriptor: (_target, name) => ({ value: `<${String(name)}>`, enumerable: true, configurable: true }),
    });
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('$', '{', '}', ':', '-', 'A', 'b', '_', '1', ' ') }), fc.string(), (text, noise) => {
        for (const input of [text, noise, text + noise]) {
          const result = interpolate(input, fullEnv);
          expect(result.problems.every((problem) => !problem.message.includes('is not set'))).toBe(true);
          expect(result.problems.every((problem) => problem.offset >= 0 && problem.offset < input.length)).toBe(true);
        }
      }),
    );
  });

  it('leaves strings without "$" unchanged', () => {
    fc.assert(
      fc.property(fc.string().filter((text) => !text.includes('$')), (text) => {
        expect(interpolate(text, {})).toEqual({ value: text, changed: false, problems: [] });
      }),
    );
  });

  it('gives back any escaped string unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('$', '{', '}', 'x', ':', '-') }), (text) => {
        const result = interpolate(escapeInterpolation(text), {});
        expect(result.problems).toEqual([]);
        expect(result.value).toBe(text);
      }),
    );
  });
});
