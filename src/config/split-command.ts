/**
 * Splits a command line into argv the way a POSIX shell tokenizes words, without
 * running a shell: whitespace separates words; single quotes keep everything
 * literally; double quotes keep whitespace and honour `\"`, `\\`, `\$` and `` \` ``;
 * a backslash outside quotes escapes the next character. No expansion of any kind.
 *
 * @returns the words, or `{ error }` for an unterminated quote or trailing backslash.
 */
export function splitCommand(line: string): string[] | { readonly error: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const char = line.charAt(i);
    if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
      continue;
    }
    inWord = true;
    if (char === "'") {
      const close = line.indexOf("'", i + 1);
      if (close === -1) return { error: `has an unterminated single quote at character ${i + 1}` };
      word += line.slice(i + 1, close);
      i = close + 1;
    } else if (char === '"') {
      const start = i;
      i += 1;
      while (i < line.length && line.charAt(i) !== '"') {
        if (line.charAt(i) === '\\' && '"\\$`'.includes(line.charAt(i + 1)) && i + 1 < line.length) i += 1;
        word += line.charAt(i);
        i += 1;
      }
      if (i >= line.length) return { error: `has an unterminated double quote at character ${start + 1}` };
      i += 1;
    } else if (char === '\\') {
      if (i + 1 >= line.length) return { error: 'ends with a lone backslash' };
      word += line.charAt(i + 1);
      i += 2;
    } else {
      word += char;
      i += 1;
    }
  }
  if (inWord) words.push(word);
  return words;
}
