/**
 * A small strict JSON (RFC 8259) scanner that keeps the character offset of every
 * value and object key.
 *
 * Why not `JSON.parse`: it reports syntax errors only in an engine-specific message
 * (no stable position), it cannot tell where a key sits in the text once parsed, and
 * it silently keeps the last of duplicate keys. `sluice validate` must point at the
 * exact character of a bad operator, so filter patterns (at most 4,096 characters,
 * parsed once per mapping) go through this scanner; event bodies, parsed once per
 * record, still use the native `JSON.parse`.
 */

/** One JSON value with the offset of its first character. */
export type JsonNode =
  | { readonly type: 'object'; readonly offset: number; readonly members: readonly JsonMember[] }
  | { readonly type: 'array'; readonly offset: number; readonly items: readonly JsonNode[] }
  | { readonly type: 'string'; readonly offset: number; readonly value: string }
  | { readonly type: 'number'; readonly offset: number; readonly value: number; readonly raw: string }
  | { readonly type: 'boolean'; readonly offset: number; readonly value: boolean }
  | { readonly type: 'null'; readonly offset: number };

/** An object member, in source order (duplicates kept). */
export interface JsonMember {
  readonly key: string;
  /** Offset of the key's opening quote. */
  readonly keyOffset: number;
  readonly value: JsonNode;
}

export type JsonScanResult =
  | { readonly ok: true; readonly value: JsonNode }
  | { readonly ok: false; readonly offset: number; readonly message: string };

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** Scans `text` as exactly one JSON value surrounded by optional whitespace. Never throws. */
export function scanJson(text: string): JsonScanResult {
  const scanner = new Scanner(text);
  try {
    const value = scanner.document();
    return { ok: true, value };
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { ok: false, offset: err.offset, message: err.message };
    throw err;
  }
}

class Scanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  document(): JsonNode {
    this.skipWhitespace();
    const value = this.value();
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.describe(this.pos)} after the JSON value`);
    return value;
  }

  private value(): JsonNode {
    const offset = this.pos;
    const ch = this.text[this.pos];
    switch (ch) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return { type: 'string', offset, value: this.string() };
      case 't':
        this.literal('true');
        return { type: 'boolean', offset, value: true };
      case 'f':
        this.literal('false');
        return { type: 'boolean', offset, value: false };
      case 'n':
        this.literal('null');
        return { type: 'null', offset };
      default:
        if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return this.number();
        return this.fail(`unexpected ${this.describe(offset)}; expected a JSON value`);
    }
  }

  private object(): JsonNode {
    const offset = this.pos++;
    const members: JsonMember[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { type: 'object', offset, members };
    }
    for (;;) {
      this.skipWhitespace();
      const keyOffset = this.pos;
      if (this.text[this.pos] !== '"') this.fail(`unexpected ${this.describe(this.pos)}; expected a quoted object key`);
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail(`unexpected ${this.describe(this.pos)}; expected ':' after the key`);
      this.pos++;
      this.skipWhitespace();
      members.push({ key, keyOffset, value: this.value() });
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        continue;
      }
      if (next === '}') {
        this.pos++;
        return { type: 'object', offset, members };
      }
      this.fail(`unexpected ${this.describe(this.pos)}; expected ',' or '}'`);
    }
  }

  private array(): JsonNode {
    const offset = this.pos++;
    const items: JsonNode[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { type: 'array', offset, items };
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.value());
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        continue;
      }
      if (next === ']') {
        this.pos++;
        return { type: 'array', offset, items };
      }
      this.fail(`unexpected ${this.describe(this.pos)}; expected ',' or ']'`);
    }
  }

  private string(): string {
    const start = this.pos++;
    let out = '';
    let run = this.pos;
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (Number.isNaN(code)) this.fail('unterminated string', start);
      if (code === 0x22) {
        out += this.text.slice(run, this.pos);
        this.pos++;
        return out;
      }
      if (code < 0x20) this.fail('control character in string; escape it', this.pos);
      if (code !== 0x5c) {
        this.pos++;
        continue;
      }
      out += this.text.slice(run, this.pos);
      const esc = this.text[this.pos + 1];
      if (esc === 'u') {
        const hex = this.text.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape; expected four hex digits', this.pos);
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.pos += 6;
      } else {
        const decoded = esc === undefined ? undefined : ESCAPES[esc];
        if (decoded === undefined) this.fail(`invalid escape sequence \\${esc ?? ''}`, this.pos);
        out += decoded;
        this.pos += 2;
      }
      run = this.pos;
    }
  }

  private number(): JsonNode {
    const offset = this.pos;
    NUMBER.lastIndex = offset;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail(`invalid number`, offset);
    const raw = match[0];
    this.pos += raw.length;
    const after = this.text[this.pos];
    if (after !== undefined && /[0-9.eE+-]/.test(after)) this.fail('invalid number', offset);
    return { type: 'number', offset, value: Number(raw), raw };
  }

  private literal(word: string): void {
    if (this.text.startsWith(word, this.pos)) {
      this.pos += word.length;
      return;
    }
    this.fail(`unexpected ${this.describe(this.pos)}; expected a JSON value`);
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.pos++;
    }
  }

  private describe(at: number): string {
    const ch = this.text[at];
    return ch === undefined ? 'end of input' : `character ${JSON.stringify(ch)}`;
  }

  private fail(message: string, offset = this.pos): never {
    throw new JsonSyntaxError(offset, message);
  }
}
