/**
 * A small lossless JSON reader. JSON.parse cannot serve the protocol: counters are u64
 * (opennexus spec §11: values above 2^53 lose precision) and the messenger must tell `1` from `1.0`
 * (opennexus spec §6.1: only JSON integers are counters). Numbers therefore come back as JsonNumber
 * holding their source text. Syntax errors use the wording of Go's encoding/json, because the
 * messenger echoes them in `invalid request: <Go error>` (opennexus spec §6.1).
 *
 * Like Go's json.Decoder, only the first value is read; trailing bytes are ignored.
 */
export class JsonNumber {
  constructor(readonly text: string) {}
  get isInteger(): boolean {
    return /^-?\d+$/.test(this.text);
  }
  toBigInt(): bigint {
    return BigInt(this.text);
  }
  toNumber(): number {
    return Number(this.text);
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export class JsonSyntaxError extends Error {}

const MAX_DEPTH = 512;

/**
 * For text this program wrote itself (the session cache, read on every send): JSON.parse with
 * numbers as JsonNumber, ~10x faster than the reader below, used only when no number can lose
 * precision on the way (no run of 16 digits anywhere in the text; else the exact reader).
 * Not for the wire: it does not tell `1` from `1.0`, nor reproduce Go's error wording.
 */
export function parseOwnJson(text: string): JsonValue {
  if (/\d{16}/.test(text)) return parseJson(text);
  return JSON.parse(text, (_k, v: unknown) => (typeof v === 'number' ? new JsonNumber(String(v)) : v)) as JsonValue;
}

export function parseJson(text: string): JsonValue {
  const p = new Parser(text);
  p.skipWs();
  if (p.i >= text.length) throw new JsonSyntaxError('EOF');
  return p.value(0);
}

/**
 * parseJson, except that an object at the root comes back as a Map of its members (a request
 * decoder walks them once; no dictionary object is built for that). Same errors as parseJson.
 */
export function parseJsonRoot(text: string): JsonValue | Map<string, JsonValue> {
  const p = new Parser(text);
  p.skipWs();
  if (p.i >= text.length) throw new JsonSyntaxError('EOF');
  return text[p.i] === '{' ? p.rootMap() : p.value(0);
}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  skipWs(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  private fail(context: string): never {
    if (this.i >= this.s.length) throw new JsonSyntaxError('unexpected EOF');
    throw new JsonSyntaxError(`invalid character ${quoteChar(this.s[this.i]!)} ${context}`);
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError('exceeded max depth');
    this.skipWs();
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail('looking for beginning of value');
    }
  }

  private literal<T>(word: string, v: T): T {
    for (let k = 0; k < word.length; k++, this.i++) {
      if (this.s[this.i] !== word[k]) this.fail(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
    }
    return v;
  }

  private number(): JsonNumber {
    const s = this.s;
    const start = this.i;
    const digit = () => this.i < s.length && s[this.i]! >= '0' && s[this.i]! <= '9';
    if (s[this.i] === '-') {
      this.i++;
      if (!digit()) this.fail('in numeric literal');
    }
    if (s[this.i] === '0') this.i++;
    else while (digit()) this.i++;
    if (s[this.i] === '.') {
      this.i++;
      if (!digit()) this.fail('after decimal point in numeric literal');
      while (digit()) this.i++;
    }
    if (s[this.i] === 'e' || s[this.i] === 'E') {
      this.i++;
      if (s[this.i] === '+' || s[this.i] === '-') this.i++;
      if (!digit()) this.fail('in exponent of numeric literal');
      while (digit()) this.i++;
    }
    return new JsonNumber(s.slice(start, this.i));
  }

  string(): string {
    const s = this.s;
    this.i++; // opening quote
    let out = '';
    let run = this.i;
    for (;;) {
      if (this.i >= s.length) throw new JsonSyntaxError('unexpected EOF');
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        out += s.slice(run, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail('in string literal');
      if (c === 0x5c) {
        out += s.slice(run, this.i);
        this.i++;
        const e = s[this.i];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          this.i++;
        } else if (e === 'u') {
          this.i++;
          const h = s.slice(this.i, this.i + 4);
          for (let k = 0; k < 4; k++) {
            if (!/[0-9a-fA-F]/.test(s[this.i + k] ?? '')) {
              this.i += k;
              this.fail('in \\u hexadecimal character escape');
            }
          }
          out += String.fromCharCode(parseInt(h, 16));
          this.i += 4;
        } else {
          this.fail('in string escape code');
        }
        run = this.i;
        continue;
      }
      this.i++;
    }
  }

  private object(depth: number): JsonObject {
    const out: JsonObject = Object.create(null);
    this.members(depth, (k, v) => (out[k] = v));
    return out;
  }

  /** The root object's members in a Map (same order and last-wins as an object), nested values as usual. */
  rootMap(): Map<string, JsonValue> {
    const out = new Map<string, JsonValue>();
    this.members(0, (k, v) => out.set(k, v));
    return out;
  }

  private members(depth: number, set: (key: string, value: JsonValue) => void): void {
    this.i++;
    this.skipWs();
    if (this.s[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.skipWs();
      if (this.s[this.i] !== '"') this.fail('looking for beginning of object key string');
      const key = this.string();
      this.skipWs();
      if (this.s[this.i] !== ':') this.fail('after object key');
      this.i++;
      set(key, this.value(depth + 1));
      this.skipWs();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return;
      }
      this.fail('after object key:value pair');
    }
  }

  private array(depth: number): JsonValue[] {
    this.i++;
    const out: JsonValue[] = [];
    this.skipWs();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.skipWs();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return out;
      }
      this.fail('after array element');
    }
  }
}

export function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

/**
 * Compact JSON writer that keeps key order and writes bigint as a bare integer, so counters
 * above 2^53 survive the round trip (opennexus spec §11).
 */
export function stringifyJson(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(stringifyJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      parts.push(`${JSON.stringify(k)}:${stringifyJson(x)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
