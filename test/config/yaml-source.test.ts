import { describe, expect, it } from 'vitest';
import { formatConfigIssue } from '../../src/errors.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';

const parse = (text: string, env: Record<string, string> = {}) => parseYamlSource('/c.yaml', text, env);
const lines = (text: string, env: Record<string, string> = {}) => parse(text, env).issues.map(formatConfigIssue);

describe('parseYamlSource', () => {
  it('builds plain data, with aliases and merge keys resolved', () => {
    const source = parse('base: &base { timeout: 5, memorySize: 256 }\nfn:\n  <<: *base\n  timeout: 9\nlist: [*base]\n');
    expect(source.issues).toEqual([]);
    expect(source.value).toEqual({
      base: { timeout: 5, memorySize: 256 },
      fn: { timeout: 9, memorySize: 256 },
      list: [{ timeout: 5, memorySize: 256 }],
    });
  });

  it('locates keys, sequence items and merged keys', () => {
    const source = parse('base: &base\n  memorySize: 256\nfn:\n  <<: *base\n  timeout: 9\nlist:\n  - a\n  - b\n');
    const at = (path: (string | number)[]) => source.issueAt(path, 'm');
    expect(at(['fn', 'timeout'])).toMatchObject({ line: 5, column: 3, path: 'fn.timeout' });
    expect(at(['fn', 'memorySize'])).toMatchObject({ line: 2, column: 3, path: 'fn.memorySize' });
    expect(at(['list', 1])).toMatchObject({ line: 8, column: 5, path: 'list[1]' });
    expect(at(['fn', 'missing', 'deeper'])).toMatchObject({ line: 3, column: 1, path: 'fn.missing.deeper' });
    expect(at([])).toMatchObject({ line: 1, column: 1, path: '<root>' });
  });

  it('quotes keys that are not identifiers in paths', () => {
    const source = parse('functions:\n  "my fn": { timeout: 1 }\n');
    expect(formatConfigIssue(source.issueAt(['functions', 'my fn', 'timeout'], 'm'))).toBe('/c.yaml:2:14 functions["my fn"].timeout: m');
  });

  it('points at the reference inside plain, quoted and block strings', () => {
    const text = [
      'plain: a-${A}',
      'single: \'x ${B}\'',
      'double: "y ${C}"',
      'escaped: "\\t${D}"',
      'block: |',
      '  first line',
      '  second ${E} here',
      'folded: >',
      '  f ${F}',
    ].join('\n');
    expect(lines(text)).toEqual([
      '/c.yaml:1:10 plain: environment variable "A" is not set (write "${A:-default}" to give a default)',
      '/c.yaml:2:12 single: environment variable "B" is not set (write "${B:-default}" to give a default)',
      '/c.yaml:3:12 double: environment variable "C" is not set (write "${C:-default}" to give a default)',
      '/c.yaml:4:10 escaped: environment variable "D" is not set (write "${D:-default}" to give a default)',
      '/c.yaml:7:10 block: environment variable "E" is not set (write "${E:-default}" to give a default)',
      '/c.yaml:8:9 folded: environment variable "F" is not set (write "${F:-default}" to give a default)',
    ]);
  });

  it('maps offsets into a string value back to the file when the text matches', () => {
    const source = parse("a: '{\"x\": 1}'\nb: \"{\\\"x\\\": 1}\"\nc: |\n  {\n    \"x\": 1\n  }\n");
    expect(source.issueAt(['a'], 'm', 5)).toMatchObject({ line: 1, column: 10 });
    expect(source.issueAt(['b'], 'm', 5)).toMatchObject({ line: 2, column: 4 });
    expect(source.issueAt(['c'], 'm', 6)).toMatchObject({ line: 5, column: 7 });
  });

  it('does not map offsets of strings changed by interpolation', () => {
    const source = parse('a: "${X}-tail"\n', { X: 'long value' });
    expect(source.value).toEqual({ a: 'long value-tail' });
    expect(source.issueAt(['a'], 'm', 11)).toMatchObject({ line: 1, column: 4 });
  });

  it('reports duplicate keys at the second key and keeps the first value', () => {
    const source = parse('a: 1\nb:\n  c: 1\n  c: 2\n');
    expect(source.issues.map(formatConfigIssue)).toEqual(['/c.yaml:4:3 b.c: duplicate key "c" (first defined at line 3)']);
    expect(source.value).toEqual({ a: 1, b: { c: 1 } });
  });

  it('rejects collection keys and reports syntax errors as fatal', () => {
    expect(lines('? [a]\n: 1\n')).toEqual(['/c.yaml:1:3 <root>: keys must be plain scalars, not collections']);
    const broken = parse('a: [1, 2\n');
    expect(broken.fatal).toBe(true);
    expect(broken.issues[0]?.message).toMatch(/^YAML syntax error: /);
  });

  it('reports a second document as a syntax error', () => {
    expect(parse('a: 1\n---\nb: 2\n').fatal).toBe(true);
  });
});
