import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanJson, type JsonNode } from '../../src/filter/json-scanner.js';

/** The plain value of a node, with JSON.parse's rules (last duplicate key wins, "__proto__" is an own key). */
function toValue(node: JsonNode): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const m of node.members) Object.defineProperty(out, m.key, { value: toValue(m.value), enumerable: true, writable: true, configurable: true });
      return out;
    }
    case 'array':
      return node.items.map(toValue);
    case 'null':
      return null;
    default:
      return node.value;
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('scanJson', () => {
  it('records the offset of every value and key', () => {
    const text = '{ "a" : [1, "x", {"b": null}], "c": true }';
    const result = scanJson(text);
    if (!result.ok) throw new Error(result.message);
    const root = result.value;
    if (root.type !== 'object') throw new Error('not an object');
    const [a, c] = root.members;
    expect(a?.keyOffset).toBe(text.indexOf('"a"'));
    expect(c?.keyOffset).toBe(text.indexOf('"c"'));
    expect(c?.value.offset).toBe(text.indexOf('true'));
    const list = a?.value;
    if (list?.type !== 'array') throw new Error('not an array');
    expect(list.items.map((i) => i.offset)).toEqual([text.indexOf('1'), text.indexOf('"x"'), text.indexOf('{"b"')]);
  });

  it('keeps duplicate keys in order and the raw text of numbers', () => {
    const result = scanJson('{"k": 300.0, "k": 3.0e2}');
    expect(result.ok && result.value.type === 'object' && result.value.members.map((m) => (m.value.type === 'number' ? m.value.raw : ''))).toEqual(['300.0', '3.0e2']);
  });

  it('decodes escapes', () => {
    const result = scanJson('"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"');
    expect(result.ok && result.value.type === 'string' && result.value.value).toBe('a"b\\c/d\b\f\n\r\té😀');
  });

  it('agrees with JSON.parse on any JSON text', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const result = scanJson(text);
        expect(result.ok).toBe(true);
        if (result.ok) expect(toValue(result.value)).toEqual(JSON.parse(text));
      }),
    );
  });

  it('accepts exactly what JSON.parse accepts, and never throws', () => {
    const jsonish = fc.stringMatching(/^[\s{}[\]",:0-9eE.+\-truefalsn\\u]{0,24}$/);
    fc.assert(
      fc.property(fc.oneof(fc.string(), jsonish, fc.json().map((j) => j.slice(0, -1))), (text) => {
        expect(scanJson(text).ok).toBe(parses(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('reports an offset inside the text (or at its end)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = scanJson(text);
        if (!result.ok) expect(result.offset).toBeGreaterThanOrEqual(0);
        if (!result.ok) expect(result.offset).toBeLessThanOrEqual(text.length);
      }),
    );
  });
});
