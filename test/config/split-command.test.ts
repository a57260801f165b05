import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitCommand } from '../../src/config/split-command.js';

describe('splitCommand', () => {
  it.each([
    { line: 'node handler.js', argv: ['node', 'handler.js'] },
    { line: '  python3   -u  main.py ', argv: ['python3', '-u', 'main.py'] },
    { line: "node 'my handler.js'", argv: ['node', 'my handler.js'] },
    { line: 'sh -c "echo \\"hi\\" \\$HOME"', argv: ['sh', '-c', 'echo "hi" $HOME'] },
    { line: 'a\\ b c', argv: ['a b', 'c'] },
    { line: "x''y \"\"", argv: ['xy', ''] },
    { line: 'say "a\\nb"', argv: ['say', 'a\\nb'] },
    { line: '', argv: [] },
  ])('$line', ({ line, argv }) => {
    expect(splitCommand(line)).toEqual(argv);
  });

  it.each([
    { line: "node 'x", error: 'has an unterminated single quote at character 6' },
    { line: 'node "x', error: 'has an unterminated double quote at character 6' },
    { line: 'node x\\', error: 'ends with a lone backslash' },
  ])('rejects $line', ({ line, error }) => {
    expect(splitCommand(line)).toEqual({ error });
  });

  it('splits single-quoted words back into the same argv', () => {
    fc.assert(
      fc.property(fc.array(fc.string().filter((word) => !word.includes("'")), { minLength: 1 }), (argv) => {
        expect(splitCommand(argv.map((word) => `'${word}'`).join(' '))).toEqual(argv);
      }),
    );
  });
});
