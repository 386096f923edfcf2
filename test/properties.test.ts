// Properties of the pure core, beside the vectors (as noble does): open(seal(m)) = m, any
// flipped byte of a DATA, HELLO or signed reset is rejected, and counters never reuse a nonce.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { b64, unb64 } from '../src/opennexus/core/bytes.ts';
import { emptyCache, parseCache, serializeCache } from '../src/opennexus/core/cache.ts';
import { x25519PublicKey } from '../src/opennexus/core/crypto.ts';
import { createHello, verifyHello } from '../src/opennexus/core/handshake.ts';
import { identityFromSeed } from '../src/opennexus/core/identity.ts';
import { sealFor } from '../src/opennexus/core/initiator.ts';
import { createSignedReset, verifySignedReset } from '../src/opennexus/core/reset.ts';
import { deriveSession, openData, sealData, type Session } from '../src/opennexus/core/session.ts';
import { parseEnvelope } from '../src/opennexus/core/wire.ts';

const A = identityFromSeed(new Uint8Array(32).fill(1));
const B = identityFromSeed(new Uint8Array(32).fill(2));
const seed32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

function sessions(ea: Uint8Array, eb: Uint8Array): { a: Session; b: Session } {
  return {
    a: deriveSession({ selfId: A.agentId, peerId: B.agentId, ownEphPrivate: ea, peerEphPublic: x25519PublicKey(eb), peerPublicKey: B.publicKey }),
    b: deriveSession({ selfId: B.agentId, peerId: A.agentId, ownEphPrivate: eb, peerEphPublic: x25519PublicKey(ea), peerPublicKey: A.publicKey }),
  };
}

/** Flips one bit of byte `at` (mod length). */
function flip(bytes: Uint8Array, at: number, bit: number): Uint8Array {
  const out = bytes.slice();
  const i = at % out.length;
  out[i] = out[i]! ^ (1 << bit);
  return out;
}

describe('properties of the core', () => {
  it('open(seal(m)) = m, in both directions, for any keys and message', () => {
    fc.assert(
      fc.property(seed32, seed32, fc.uint8Array({ maxLength: 2048 }), (ea, eb, m) => {
        const { a, b } = sessions(ea, eb);
        const s = sealData(a, m, A.agentId, B.agentId);
        const o = openData(b, { session_id: b64(a.sessionId), counter: s.counter, ciphertext: b64(s.ciphertext) }, A.agentId, B.agentId);
        expect(o.plaintext).toEqual(m);
        const back = sealData(b, m, B.agentId, A.agentId);
        expect(openData(a, { session_id: b64(b.sessionId), counter: back.counter, ciphertext: b64(back.ciphertext) }, B.agentId, A.agentId).plaintext).toEqual(m);
      }),
      { numRuns: 50 },
    );
  });

  it('any flipped bit of a DATA ciphertext, or a wrong counter or session, is rejected', () => {
    fc.assert(
      fc.property(seed32, seed32, fc.uint8Array({ minLength: 1, maxLength: 256 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (ea, eb, m, at, bit) => {
        const { a, b } = sessions(ea, eb);
        const s = sealData(a, m, A.agentId, B.agentId);
        const ct = flip(s.ciphertext, at, bit);
        expect(() => openData(b, { session_id: b64(a.sessionId), counter: s.counter, ciphertext: b64(ct) }, A.agentId, B.agentId)).toThrow();
        expect(() => openData(b, { session_id: b64(a.sessionId), counter: s.counter + 1n, ciphertext: b64(s.ciphertext) }, A.agentId, B.agentId)).toThrow();
        expect(() => openData(b, { session_id: b64(flip(a.sessionId, at, bit)), counter: s.counter, ciphertext: b64(s.ciphertext) }, A.agentId, B.agentId)).toThrow();
      }),
      { numRuns: 50 },
    );
  });

  it('any flipped bit of a HELLO or a signed reset field fails verification', () => {
    const fields = ['sender_id', 'receiver_id', 'ephemeral_public_key', 'signature', 'sender_public_key'] as const;
    fc.assert(
      fc.property(seed32, fc.constantFrom(...fields), fc.nat(), fc.integer({ min: 0, max: 7 }), (eph, field, at, bit) => {
        const hello = createHello(A, B.agentId, x25519PublicKey(eph), 'http://a') as unknown as Record<string, string>;
        expect(verifyHello(parseEnvelope(JSON.stringify(hello)), B.agentId)).not.toBeNull();
        const len = field === 'signature' ? 64 : 32;
        const bad = { ...hello, [field]: b64(flip(unb64(hello[field]!, len), at, bit)) };
        expect(verifyHello(parseEnvelope(JSON.stringify(bad)), B.agentId)).toBeNull();
      }),
      { numRuns: 100 },
    );
    const resetFields = ['sender_id', 'receiver_id', 'session_id', 'reset_signature', 'sender_public_key'] as const;
    fc.assert(
      fc.property(seed32, fc.constantFrom(...resetFields), fc.nat(), fc.integer({ min: 0, max: 7 }), (sid, field, at, bit) => {
        const reset = createSignedReset(A, B.agentId, sid, 2) as unknown as Record<string, string | number>;
        expect(verifySignedReset(parseEnvelope(JSON.stringify(reset)), B.agentId)).not.toBeNull();
        const len = field === 'reset_signature' ? 64 : 32;
        const bad = { ...reset, [field]: b64(flip(unb64(reset[field] as string, len), at, bit)) };
        expect(verifySignedReset(parseEnvelope(JSON.stringify(bad)), B.agentId)).toBeNull();
      }),
      { numRuns: 100 },
    );
  });

  it('sealing through the cache never reuses a counter, whatever the interleaving of saves and reloads', () => {
    fc.assert(
      fc.property(seed32, seed32, fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), (ea, eb, reloads) => {
        const { a } = sessions(ea, eb);
        let cache = { ...emptyCache(), sessions: { [B.agentIdB64]: a } };
        const used = new Set<string>();
        for (const reload of reloads) {
          const s = sealFor(cache, A, B.agentId, 'x', 'http://a', 0)!;
          expect(used.has(s.data.counter.toString())).toBe(false);
          used.add(s.data.counter.toString());
          // what is persisted is what the next seal starts from, whether or not it is re-read
          cache = reload ? parseCache(serializeCache(s.cache)) : s.cache;
        }
      }),
      { numRuns: 50 },
    );
  });
});
