/**
 * Hand-written scanners for the three sanitizer shapes (nexus spec §2.7) whose natural regex is
 * quadratic on a backtracking engine: the scheme of `scheme://user:pass@`, a JWT's first segment
 * and a PEM block's `[\s\S]*?` all let every later start position rescan the same run
 * (`a.a.a.…`, `eyJ-eyJ-…`, `-----BEGIN PRIVATE KEY-----` × n took seconds on 64 KiB).
 * Each scanner finds exactly what its former regex found (leftmost, non-overlapping), but reads
 * every character a bounded number of times. Pure functions over a string.
 */

/** A span of text to replace with `[REDACTED:type]`. */
export interface Hit {
  start: number;
  end: number;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** `\w` without the u flag, which is what `\b` looks at. */
const isWord = (c: number) => isAlpha(c) || isDigit(c) || c === 95;
/** `\s`: ECMAScript WhiteSpace and LineTerminator. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * `-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----[\s\S]*?-----END \1PRIVATE KEY\2-----`.
 * The label, `PRIVATE KEY` and ` BLOCK` are all `[A-Z0-9 ]`, and `-` is not, so a header is
 * exactly the maximal `[A-Z0-9 ]` run after `BEGIN ` followed by five dashes, and its END line
 * must repeat that run. END lines are indexed by run once; each BEGIN then takes the first END
 * of its run after its header (the lazy `*?`) through a per-run pointer that only moves forward.
 */
export function findPrivateKeys(text: string): Hit[] {
  const BEGIN = '-----BEGIN ';
  const END = '-----END ';
  const header = (at: number): { run: string; end: number } | null => {
    let j = at;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (!((c >= 65 && c <= 90) || isDigit(c) || c === 32)) break;
      j++;
    }
    const run = text.slice(at, j);
    if (!run.endsWith('PRIVATE KEY') && !run.endsWith('PRIVATE KEY BLOCK')) return null;
    return text.startsWith('-----', j) ? { run, end: j + 5 } : null;
  };
  const ends = new Map<string, number[]>();
  for (let i = text.indexOf(END); i >= 0; i = text.indexOf(END, i + 1)) {
    const h = header(i + END.length);
    if (!h) continue;
    const list = ends.get(h.run);
    if (list) list.push(h.end);
    else ends.set(h.run, [h.end]);
  }
  const hits: Hit[] = [];
  if (ends.size === 0) return hits;
  const next = new Map<string, number>();
  let from = 0;
  for (let i = text.indexOf(BEGIN); i >= 0; i = text.indexOf(BEGIN, Math.max(i + 1, from))) {
    const h = header(i + BEGIN.length);
    const list = h && ends.get(h.run);
    if (!h || !list) continue;
    // An END line starts at its end minus its own length; it must start at or after our header's end.
    const endLen = END.length + h.run.length + 5;
    let k = next.get(h.run) ?? 0;
    while (k < list.length && list[k]! - endLen < h.end) k++;
    next.set(h.run, k);
    if (k === list.length) continue;
    hits.push({ start: i, end: list[k]! });
    from = list[k]!;
  }
  return hits;
}

const isB64url = (c: number) => isWord(c) || c === 45;
function runEnd(text: string, i: number, ok: (c: number) => boolean): number {
  while (i < text.length && ok(text.charCodeAt(i))) i++;
  return i;
}

/**
 * `\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`. Every segment is a maximal
 * base64url run (the only way to reach the next `.`), so all starts inside one run share the
 * same tail and the first start is the only one worth trying: after a miss we skip the run.
 */
export function findJwts(text: string): Hit[] {
  const hits: Hit[] = [];
  const segment = (from: number, prefix: string): number => {
    if (!text.startsWith(prefix, from)) return -1;
    const end = runEnd(text, from + prefix.length, isB64url);
    return end - from - prefix.length >= 8 ? end : -1;
  };
  let i = text.indexOf('eyJ');
  while (i >= 0) {
    if (i > 0 && isWord(text.charCodeAt(i - 1))) {
      i = text.indexOf('eyJ', i + 1);
      continue;
    }
    const e1 = segment(i, 'eyJ');
    const e2 = e1 >= 0 && text.charCodeAt(e1) === 46 ? segment(e1 + 1, 'eyJ') : -1;
    const e3 = e2 >= 0 && text.charCodeAt(e2) === 46 ? segment(e2 + 1, '') : -1;
    if (e3 >= 0) hits.push({ start: i, end: e3 });
    i = text.indexOf('eyJ', e3 >= 0 ? e3 : runEnd(text, i + 3, isB64url));
  }
  return hits;
}

const isSchemeChar = (c: number) => isAlpha(c) || isDigit(c) || c === 43 || c === 45 || c === 46;

/**
 * `(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)([^\s@/]+)(?=@)` (case-insensitive); the hit is the
 * password. Found from each `://`: the scheme is the earliest letter after a word boundary in
 * the `[a-z0-9+.-]` run before it (runs before different `://` never overlap, as `:` and `/`
 * end them), the user is the maximal run up to `:`, the password the maximal run up to `@`.
 */
export function findUrlCredentials(text: string): Hit[] {
  const hits: Hit[] = [];
  let from = 0;
  for (let c = text.indexOf('://'); c >= 0; c = text.indexOf('://', c + 1)) {
    let r = c;
    while (r > from && isSchemeChar(text.charCodeAt(r - 1))) r--;
    let scheme = false;
    for (let k = r; k < c && !scheme; k++) scheme = isAlpha(text.charCodeAt(k)) && (k === 0 || !isWord(text.charCodeAt(k - 1)));
    if (!scheme) continue;
    const user = runEnd(text, c + 3, (ch) => !isSpace(ch) && ch !== 58 && ch !== 64 && ch !== 47);
    if (user === c + 3 || text.charCodeAt(user) !== 58) continue;
    const pass = runEnd(text, user + 1, (ch) => !isSpace(ch) && ch !== 64 && ch !== 47);
    if (pass === user + 1 || text.charCodeAt(pass) !== 64) continue;
    hits.push({ start: user + 1, end: pass });
    from = pass;
  }
  return hits;
}
