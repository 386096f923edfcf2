// The crypto module on node:crypto (core/crypto.ts): the edge cases the vectors do not cover.
// A low-order X25519 key is refused (all-zero secret), a malformed Ed25519 key or signature is
// simply invalid, and the cache's fast JSON path keeps u64 counters exact.
import { describe, expect, it } from 'vitest';
import { ed25519PublicKey, ed25519Sign, ed25519Verify, randomBytes, x25519PublicKey, x25519SharedSecret } from '../src/opennexus/core/crypto.ts';
import { JsonNumber, parseOwnJson } from '../src/opennexus/core/json.ts';

describe('crypto on node:crypto', () => {
  it('refuses low-order X25519 public keys', () => {
    const priv = randomBytes(32);
    expect(() => x25519SharedSecret(priv, new Uint8Array(32))).toThrow();
    const one = new Uint8Array(32);
    one[0] = 1;
    expect(() => x25519SharedSecret(priv, one)).toThrow();
    const other = randomBytes(32);
    expect(x25519SharedSecret(priv, x25519PublicKey(other))).toEqual(x25519SharedSecret(other, x25519PublicKey(priv)));
  });

  it('Ed25519: wrong lengths and tampering are invalid, never thrown', () => {
    const seed = randomBytes(32);
    const pub = ed25519PublicKey(seed);
    const msg = new TextEncoder().encode('hello');
    const sig = ed25519Sign(seed, msg);
    expect(ed25519Verify(sig, msg, pub)).toBe(true);
    expect(ed25519Verify(sig.subarray(0, 63), msg, pub)).toBe(false);
    expect(ed25519Verify(sig, msg, pub.subarray(0, 31))).toBe(false);
    const bad = Uint8Array.from(sig);
    bad[10]! ^= 1;
    expect(ed25519Verify(bad, msg, pub)).toBe(false);
    expect(() => ed25519Sign(seed.subarray(0, 16), msg)).toThrow(/32 bytes/);
  });
});

describe('parseOwnJson (the session cache)', () => {
  it('is exact: counters beyond 2^53 fall back to the lossless reader', () => {
    const small = parseOwnJson('{"c": 42, "s": "x"}') as Record<string, JsonNumber>;
    expect(small.c!.toBigInt()).toBe(42n);
    const big = parseOwnJson('{"c": 18446744073709551615}') as Record<string, JsonNumber>;
    expect(big.c!.toBigInt()).toBe(18446744073709551615n);
    expect(() => parseOwnJson('{"c": ')).toThrow();
  });
});
