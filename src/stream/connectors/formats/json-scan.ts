// A JSON reader that keeps every number's source text. JSON.parse turns 9007199254740993 into
// 9007199254740992 and 0.1000000000000000055511 into 0.1; a bigint or numeric column must get
// the digits the producer wrote, so numbers stay strings here until the column type decides.

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

/** A JSON number as written, e.g. "-12.50e3". */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export class JsonSyntaxError extends Error {}

export function scanJson(text: string): JsonValue {
  const s = new Scanner(text);
  const v = s.value();
  s.ws();
  if (s.i !== text.length) s.fail('trailing characters');
  return v;
}

class Scanner {
  i = 0;
  constructor(private readonly t: string) {}

  fail(what: string): never { throw new JsonSyntaxError(`${what} at offset ${this.i}`); }

  ws(): void {
    const t = this.t;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      this.i++;
    }
  }

  value(): JsonValue {
    this.ws();
    const c = this.t[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (this.t.startsWith('true', this.i)) { this.i += 4; return true; }
    if (this.t.startsWith('false', this.i)) { this.i += 5; return false; }
    if (this.t.startsWith('null', this.i)) { this.i += 4; return null; }
    return this.fail('unexpected character');
  }

  private object(): { [key: string]: JsonValue } {
    const out: { [key: string]: JsonValue } = {};
    this.i++;
    this.ws();
    if (this.t[this.i] === '}') { this.i++; return out; }
    for (;;) {
      this.ws();
      if (this.t[this.i] !== '"') this.fail('expected a key');
      const k = this.string();
      this.ws();
      if (this.t[this.i++] !== ':') this.fail('expected ":"');
      out[k] = this.value();
      this.ws();
      const c = this.t[this.i++];
      if (c === '}') return out;
      if (c !== ',') this.fail('expected "," or "}"');
    }
  }

  private array(): JsonValue[] {
    const out: JsonValue[] = [];
    this.i++;
    this.ws();
    if (this.t[this.i] === ']') { this.i++; return out; }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.t[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail('expected "," or "]"');
    }
  }

  private string(): string {
    const t = this.t;
    const start = ++this.i;
    // Fast path: no escapes.
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c === 34) { return t.slice(start, this.i++); }
      if (c === 92) break;
      this.i++;
    }
    // Slow path: let JSON.parse decode the escapes of this one string.
    let j = this.i;
    while (j < t.length && t[j] !== '"') j += t[j] === '\\' ? 2 : 1;
    if (j >= t.length) this.fail('unterminated string');
    const raw = t.slice(start - 1, j + 1);
    this.i = j + 1;
    try { return JSON.parse(raw) as string; } catch { return this.fail('bad string escape'); }
  }

  private number(): JsonNumber {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.i;
    const r = m.exec(this.t);
    if (!r) this.fail('bad number');
    this.i += r[0].length;
    return new JsonNumber(r[0]);
  }
}
