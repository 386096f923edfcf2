/**
 * Byte helpers and the canonical encodings of opennexus spec §1.1 and §2. Pure: no I/O.
 */
import { ProtocolError } from './errors.ts';

export const te = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function utf8(s: string): Uint8Array {
  return te.encode(s);
}

/** Decodes UTF-8, returning null for invalid bytes (the caller decides how to show them). */
export function fromUtf8(b: Uint8Array): string | null {
  try {
    return strictUtf8.decode(b);
  } catch {
    return null;
  }
}

/** Standard RFC 4648 base64 with `=` padding (opennexus spec §1.1: never URL-safe). */
export function b64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes canonical padded standard base64 and checks the length. Stricter than the
 * reference's lenient decoder on purpose: everything the reference emits is canonical, and
 * opennexus spec §1.1 notes that string comparisons (agent ids) only work on the canonical form.
 */
export function unb64(s: string, expectedLength?: number, what = 'value'): Uint8Array {
  if (typeof s !== 'string' || !B64_RE.test(s)) {
    throw new ProtocolError('bad_base64', `${what} is not standard padded base64`);
  }
  const out = new Uint8Array(Buffer.from(s, 'base64'));
  if (b64(out) !== s) throw new ProtocolError('bad_base64', `${what} is not canonical base64`);
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new ProtocolError('bad_length', `${what} must be ${expectedLength} bytes, got ${out.length}`);
  }
  return out;
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function unhex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** opennexus spec §2: lp(x) = uint16_be(len(x)) || x; the reference raises above 65535 bytes. */
export function lp(x: Uint8Array): Uint8Array {
  if (x.length > 0xffff) throw new ProtocolError('bad_length', 'lp field longer than 65535 bytes');
  return concat(u16(x.length), x);
}

/** opennexus spec §2: u16(n), 2-byte big-endian; reset reasons must be in 0..65535. */
export function u16(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) {
    throw new ProtocolError('bad_message', 'reason must be in 0..65535');
  }
  return new Uint8Array([n >> 8, n & 0xff]);
}

export const U64_MAX = (1n << 64n) - 1n;

export function u64be(n: bigint): Uint8Array {
  if (n < 0n || n > U64_MAX) throw new ProtocolError('counter_out_of_range', 'counter out of range');
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

/** Byte-wise lexicographic comparison (opennexus spec §1.3: how agent ids and ephemerals are ordered). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

/** Splits a sequence of lp fields; returns null when the bytes are not exactly such a sequence. */
export function parseLpSequence(b: Uint8Array): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < b.length) {
    if (o + 2 > b.length) return null;
    const n = (b[o]! << 8) | b[o + 1]!;
    o += 2;
    if (o + n > b.length) return null;
    out.push(b.subarray(o, o + n));
    o += n;
  }
  return out;
}

/** Bytes that are not valid UTF-8, shown as the reference shows them: Python's repr of the bytes. */
export function pyBytesRepr(b: Uint8Array): string {
  let s = "b'";
  for (const c of b) {
    if (c === 0x5c) s += '\\\\';
    else if (c === 0x27) s += "\\'";
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x09) s += '\\t';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${s}'`;
}
