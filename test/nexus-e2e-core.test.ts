// The pure core of end-to-end NexusMessaging sessions (docs/spec/nexus-e2e.md): open(seal(m)) = m
// for texts and json values, any flipped byte of the envelope or any other binding is rejected,
// and the safety code depends on the members only as a set.
import { createCipheriv, hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { b64u, decodeSecret, encodeSecret, ENVELOPE, idempotentFresh, open, safetyCode, seal, type Binding, type Plain } from '../src/nexus/e2e.ts';
import { linkSecret, linkWithSecret, parsePairingLink } from '../src/nexus/pairing-link.ts';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const fresh = fc.record({ msgid: bytes(16), nonce: bytes(12) });
const agentId = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);
const sid = fc.stringMatching(/^[A-Za-z0-9_-]{1,48}$/);
const plain: fc.Arbitrary<Plain> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }).map((j) => ({ t: 'text' as const, j })),
  fc.jsonValue().map((j) => ({ t: 'json' as const, j: JSON.parse(JSON.stringify(j)) as unknown })),
);

/** Flips one bit of character `at` of the base64url part `part` (1 msgid, 2 nonce, 3 ciphertext+tag) as bytes. */
function flipPart(env: string, part: number, at: number, bit: number): string {
  const parts = env.split('.');
  const b = new Uint8Array(Buffer.from(parts[part]!, 'base64url'));
  b[at % b.length]! ^= 1 << bit;
  parts[part] = b64u(b);
  return parts.join('.');
}

describe('e2e core (e2e spec §3-§5)', () => {
  it('open(seal(m)) = m for texts and json values', () => {
    fc.assert(
      fc.property(bytes(32), sid, agentId, plain, fresh, (secret, sessionId, sender, m, f) => {
        const b: Binding = { kind: 'msg', sessionId, sender };
        const env = seal(secret, b, m, f);
        expect(env).toMatch(ENVELOPE);
        const o = open(secret, b, env);
        expect(o.ok).toBe(true);
        if (o.ok) {
          expect(o.message).toEqual(m);
          expect(o.msgid).toBe(b64u(f.msgid));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('any flipped bit of the msgid, nonce, ciphertext or tag is rejected', () => {
    fc.assert(
      fc.property(bytes(32), plain, fresh, fc.integer({ min: 1, max: 3 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (secret, m, f, part, at, bit) => {
        const b: Binding = { kind: 'msg', sessionId: 'S1', sender: 'alice' };
        const tampered = flipPart(seal(secret, b, m, f), part, at, bit);
        expect(open(secret, b, tampered).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('another session, sender, kind or key is rejected', () => {
    fc.assert(
      fc.property(bytes(32), bytes(32), plain, fresh, (secret, other, m, f) => {
        const b: Binding = { kind: 'msg', sessionId: 'S1', sender: 'alice' };
        const env = seal(secret, b, m, f);
        expect(open(secret, { ...b, sessionId: 'S2' }, env)).toEqual({ ok: false, reason: 'authentication_failed' });
        expect(open(secret, { ...b, sender: 'bob' }, env).ok).toBe(false);
        expect(open(secret, { kind: 'greeting', sessionId: '', sender: '' }, env).ok).toBe(false);
        if (Buffer.compare(secret, other) !== 0) expect(open(other, b, env).ok).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('a msgid swapped between two envelopes is rejected (it is bound as associated data)', () => {
    const secret = new Uint8Array(32).fill(7);
    const b: Binding = { kind: 'msg', sessionId: 'S1', sender: 'alice' };
    const one = seal(secret, b, { t: 'text', j: 'one' }, { msgid: new Uint8Array(16).fill(1), nonce: new Uint8Array(12).fill(1) }).split('.');
    const two = seal(secret, b, { t: 'text', j: 'two' }, { msgid: new Uint8Array(16).fill(2), nonce: new Uint8Array(12).fill(2) }).split('.');
    expect(open(secret, b, [one[0], two[1], one[2], one[3]].join('.')).ok).toBe(false);
  });

  it('non-envelopes and non-canonical spellings are refused without throwing', () => {
    const secret = new Uint8Array(32).fill(3);
    const b: Binding = { kind: 'msg', sessionId: 'S1', sender: 'a' };
    for (const t of [undefined, 5, '', 'hello', 'e2e1.x.y.z', 'e2e2.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) expect(open(secret, b, t).ok).toBe(false);
  });

  it('an idempotency key gives the same envelope for the same message, another for another', () => {
    const secret = new Uint8Array(32).fill(9);
    const b: Binding = { kind: 'msg', sessionId: 'S1', sender: 'alice' };
    const m: Plain = { t: 'text', j: 'hi' };
    expect(seal(secret, b, m, idempotentFresh(secret, b, 'k1', m))).toBe(seal(secret, b, m, idempotentFresh(secret, b, 'k1', m)));
    const other = idempotentFresh(secret, b, 'k1', { t: 'text', j: 'ho' });
    expect(b64u(other.nonce)).not.toBe(b64u(idempotentFresh(secret, b, 'k1', m).nonce));
  });

  it('the secret round-trips through its text, and only a whole key is one', () => {
    fc.assert(fc.property(bytes(32), (s) => {
      expect(decodeSecret(encodeSecret(s))).toEqual(s);
    }));
    expect(decodeSecret('short')).toBeNull();
    expect(decodeSecret('A'.repeat(44))).toBeNull();
  });

  it('the link carries the key in its fragment (e2e spec §2)', () => {
    const key = encodeSecret(new Uint8Array(32).fill(5));
    const link = linkWithSecret('https://h.example/p/PEARL-FOCAL-S5SJV', key);
    expect(link).toBe(`https://h.example/p/PEARL-FOCAL-S5SJV#k=${key}`);
    expect(parsePairingLink(link)).toEqual({ server: 'https://h.example', code: 'PEARL-FOCAL-S5SJV' });
    expect(linkSecret(link)).toBe(key);
    expect(linkSecret(`<${link}>.`)).toBe(key);
    expect(linkSecret('https://h.example/p/PEARL-FOCAL-S5SJV')).toBeUndefined();
  });

  it('seal and open refuse a secret that is not 32 bytes, clearly', () => {
    const b: Binding = { kind: 'msg', sessionId: 's', sender: 'a' };
    const f = { msgid: new Uint8Array(16), nonce: new Uint8Array(12) };
    expect(() => seal(new Uint8Array(16), b, { t: 'text', j: 'x' }, f)).toThrow(/secret.*32 bytes/);
    expect(() => safetyCode(new Uint8Array(5), 's', ['a', 'b'])).toThrow(/secret.*32 bytes/);
  });

  it('the fragment is exactly k=KEY; an encoded # (%23) is read as # (e2e spec §2)', () => {
    const key = encodeSecret(new Uint8Array(32).fill(5));
    expect(decodeSecret(linkSecret(`https://h.example/p/PEARL-FOCAL-S5SJV#k=${key}&foo=bar`)!)).toBeNull();
    const encoded = `https://h.example/p/PEARL-FOCAL-S5SJV%23k=${key}`;
    expect(parsePairingLink(encoded)).toEqual({ server: 'https://h.example', code: 'PEARL-FOCAL-S5SJV' });
    expect(linkSecret(encoded)).toBe(key);
  });
});

describe('safety code (e2e spec §7)', () => {
  it('is 3 groups of 4 digits, the same for the same members in any order', () => {
    fc.assert(
      fc.property(bytes(32), sid, fc.uniqueArray(agentId, { minLength: 2, maxLength: 5 }), (secret, sessionId, members) => {
        const code = safetyCode(secret, sessionId, members);
        expect(code).toMatch(/^\d{4} \d{4} \d{4}$/);
        expect(safetyCode(secret, sessionId, [...members].reverse())).toBe(code);
      }),
      { numRuns: 100 },
    );
  });

  it('differs for another member set, session or secret', () => {
    const secret = new Uint8Array(32).fill(1);
    const code = safetyCode(secret, 'S1', ['alice', 'bob']);
    expect(safetyCode(secret, 'S1', ['alice', 'mallory'])).not.toBe(code);
    expect(safetyCode(secret, 'S1', ['alice', 'bob', 'mallory'])).not.toBe(code);
    expect(safetyCode(secret, 'S2', ['alice', 'bob'])).not.toBe(code);
    expect(safetyCode(new Uint8Array(32).fill(2), 'S1', ['alice', 'bob'])).not.toBe(code);
  });

  it('has a fixed vector (so another client can check its implementation)', () => {
    expect(safetyCode(new Uint8Array(32).fill(1), 'S1', ['bob', 'alice'])).toMatchInlineSnapshot(`"2703 8226 4528"`);
  });
});

describe("the spec's test vector (docs/spec/nexus-e2e.md §11), against node:crypto", () => {
  const secret = new Uint8Array(32).map((_, i) => i);
  const NUL = '\0';
  /** The spec's key schedule and envelope written again with node:crypto, independently of the core. */
  function reference(kind: string, sid: string, sender: string, plaintext: string, msgidByte: number, nonceByte: number): string {
    const info = kind === 'greeting' ? 'nexus-e2e v1 greeting' : `nexus-e2e v1 msg ${sender}`;
    const key = Buffer.from(hkdfSync('sha256', secret, Buffer.from(sid), Buffer.from(info), 32));
    const msgid = Buffer.alloc(16, msgidByte).toString('base64url');
    const nonce = Buffer.alloc(12, nonceByte);
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(Buffer.from(['nexus-e2e v1', kind, sid, sender, msgid].join(NUL)));
    const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final(), c.getAuthTag()]);
    return `e2e1.${msgid}.${nonce.toString('base64url')}.${ct.toString('base64url')}`;
  }

  it('message, greeting and safety code', () => {
    expect(encodeSecret(secret)).toBe('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8');
    const msg = 'e2e1.AQEBAQEBAQEBAQEBAQEBAQ.AgICAgICAgICAgIC.pitGgYs0klj1_DYOAAJUwxdk01fM4-USksmkp4AxHIbsPIUZRKRYhg';
    const greeting = 'e2e1.AwMDAwMDAwMDAwMDAwMDAw.BAQEBAQEBAQEBAQE.DYe02VFCptSJ5oi--eC07Jm78TdeergdX13YLfMfBeqJZ0fTzCaYKg';
    expect(reference('msg', 'S1', 'alice', '{"t":"text","j":"hello"}', 1, 2)).toBe(msg);
    expect(reference('greeting', '', '', '{"t":"json","j":{"a":1}}', 3, 4)).toBe(greeting);
    expect(seal(secret, { kind: 'msg', sessionId: 'S1', sender: 'alice' }, { t: 'text', j: 'hello' }, { msgid: new Uint8Array(16).fill(1), nonce: new Uint8Array(12).fill(2) })).toBe(msg);
    expect(open(secret, { kind: 'greeting', sessionId: '', sender: '' }, greeting)).toMatchObject({ ok: true, message: { t: 'json', j: { a: 1 } } });
    const bytes8 = Buffer.from(hkdfSync('sha256', secret, Buffer.from('S1'), Buffer.from(`nexus-e2e v1 safety${NUL}alice${NUL}bob`), 8));
    const digits = (bytes8.readBigUInt64BE() % 10n ** 12n).toString().padStart(12, '0');
    expect(safetyCode(secret, 'S1', ['bob', 'alice'])).toBe(`${digits.slice(0, 4)} ${digits.slice(4, 8)} ${digits.slice(8)}`);
    expect(safetyCode(secret, 'S1', ['bob', 'alice'])).toBe('4803 6667 6263');
  });
});
