// The request body of the session API (nexus/server/json.ts parseBody): ASCII bodies are read
// without a decoder; every body reads as TextDecoder would read it (BOM, replacement, offsets).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HttpRequest } from '../src/http/types.ts';
import { parseBody } from '../src/nexus/server/json.ts';

const req = (body: Uint8Array | null): HttpRequest => ({ method: 'POST', path: '/', query: new URLSearchParams(), headers: {}, body, ip: '127.0.0.1' });

/** What parseBody did before its ASCII path: TextDecoder, trim, JSON.parse. */
function reference(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes).trim();
  return text ? JSON.parse(text) : {};
}

/** The bytes inside a larger buffer, as a body read from a socket may be. */
function offset(bytes: Uint8Array): Uint8Array {
  const big = new Uint8Array(bytes.length + 7);
  big.set(bytes, 3);
  return big.subarray(3, 3 + bytes.length);
}

describe('parseBody', () => {
  it('reads every body as TextDecoder does, from any offset (property)', () => {
    const value = fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.integer(), fc.boolean()));
    const pad = fc.constantFrom('', ' ', '\n', '\ufeff', '\t\r\n ');
    fc.assert(
      fc.property(value, pad, pad, (v, before, after) => {
        const bytes = new TextEncoder().encode(`${before}${JSON.stringify(v)}${after}`);
        expect(parseBody(req(bytes))).toEqual(reference(bytes));
        expect(parseBody(req(offset(bytes)))).toEqual(reference(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps its answers: empty is {}, invalid UTF-8 is replaced, not JSON or not an object is 400, too large is 413', () => {
    expect(parseBody(req(new Uint8Array(0)))).toEqual({});
    expect(parseBody(req(new TextEncoder().encode('  \n')))).toEqual({});
    expect(parseBody(req(Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])))).toEqual({ a: '\ufffd' });
    expect(() => parseBody(req(new TextEncoder().encode('{"ttl":')))).toThrow(expect.objectContaining({ status: 400, code: 'invalid_body' }));
    expect(() => parseBody(req(new TextEncoder().encode('[1]')))).toThrow(expect.objectContaining({ status: 400, code: 'invalid_request' }));
    expect(() => parseBody(req(null))).toThrow(expect.objectContaining({ status: 413 }));
  });
});

describe('the messages path, matched without the route table', () => {
  it('names the session exactly as the first route pattern captures it (property)', async () => {
    const { messagesPathId } = await import('../src/nexus/server/routes-sessions.ts');
    const re = /^\/v1\/sessions?\/([^/]+)\/messages$/;
    const piece = fc.constantFrom('/v1', '/session', '/sessions', 's', '/', '/messages', 'messages', 'abc', '%2F', '', '/stream', 'x');
    const path = fc.oneof(fc.array(piece, { maxLength: 6 }).map((a) => a.join('')), fc.string(), fc.constantFrom('/v1/sessions//messages', '/v1/sessions/messages', '/v1/session/s/messages', '/v1/sessions/a/b/messages'));
    fc.assert(
      fc.property(path, (p) => {
        expect(messagesPathId(p)).toBe(re.exec(p)?.[1] ?? null);
      }),
      { numRuns: 20_000 },
    );
  });
});
