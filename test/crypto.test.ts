// The crypto module (core/crypto.ts) on the design card's packages (@noble/curves, @noble/hashes,
// @noble/ciphers): the RFC vectors of each primitive, the edge cases the protocol vectors do not
// cover (a low-order X25519 key is refused, a malformed Ed25519 key or signature is simply
// invalid), the base-point table switched on only after many signatures, noble set up at first
// use in the bundles, and the cache's fast JSON path keeping u64 counters exact.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  ED25519_TABLE_AFTER, aesGcmOpen, aesGcmSeal, ed25519PublicKey, ed25519Sign, ed25519TableOn, ed25519Verify, hkdfSha256, hmacSha256, randomBytes, sha256, x25519PublicKey, x25519SharedSecret,
} from '../src/opennexus/core/crypto.ts';
import { JsonNumber, parseOwnJson } from '../src/opennexus/core/json.ts';
import { RECENT_KEYS_MAX, hashSessionKey, keyMatches } from '../src/nexus/server/session-key.ts';
import { ROOT } from './helpers/cli.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('crypto: the RFC vectors', () => {
  it('Ed25519, RFC 8032 §7.1 test 1', () => {
    const seed = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const pub = ed25519PublicKey(seed);
    expect(toHex(pub)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const sig = ed25519Sign(seed, new Uint8Array(0));
    expect(toHex(sig)).toBe('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
    expect(ed25519Verify(sig, new Uint8Array(0), pub)).toBe(true);
    expect(ed25519Verify(sig, new Uint8Array(1), pub)).toBe(false);
  });

  it('X25519, RFC 7748 §6.1', () => {
    const a = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const b = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    expect(toHex(x25519PublicKey(a))).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(toHex(x25519PublicKey(b))).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(toHex(x25519SharedSecret(a, x25519PublicKey(b)))).toBe(shared);
    expect(toHex(x25519SharedSecret(b, x25519PublicKey(a)))).toBe(shared);
  });

  it('HKDF-SHA-256, RFC 5869 A.1; SHA-256 (FIPS 180-2 "abc"); HMAC-SHA-256, RFC 4231 test 1', () => {
    const okm = hkdfSha256(new Uint8Array(22).fill(0x0b), hex('000102030405060708090a0b0c'), hex('f0f1f2f3f4f5f6f7f8f9'), 42);
    expect(toHex(okm)).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
    expect(toHex(sha256(text('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(hmacSha256(new Uint8Array(20).fill(0x0b), text('Hi There')))).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  });

  it('AES-256-GCM, the GCM spec test cases 14 and 16 (ciphertext || tag)', () => {
    const z = aesGcmSeal(new Uint8Array(32), new Uint8Array(12), new Uint8Array(16), new Uint8Array(0));
    expect(toHex(z)).toBe('cea7403d4d606b6e074ec5d3baf39d18' + 'd0d1c8a799996bf0265b98b5d48ab919');
    const key = hex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308');
    const iv = hex('cafebabefacedbaddecaf888');
    const plain = hex('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39');
    const aad = hex('feedfacedeadbeeffeedfacedeadbeefabaddad2');
    const sealed = aesGcmSeal(key, iv, plain, aad);
    expect(toHex(sealed)).toBe('522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662' + '76fc6ece0f4e1768cddf8853bb2d551b');
    expect(aesGcmOpen(key, iv, sealed, aad)).toEqual(plain);
    expect(() => aesGcmOpen(key, iv, sealed, new Uint8Array(0))).toThrow();
    expect(() => aesGcmOpen(key, iv, sealed.subarray(0, 15), aad)).toThrow(/shorter than its tag/);
  });

  it('randomBytes: the requested length, never the same twice', () => {
    expect(randomBytes(32)).toHaveLength(32);
    expect(toHex(randomBytes(16))).not.toBe(toHex(randomBytes(16)));
  });
});

describe('crypto: edge cases', () => {
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

  it('Ed25519 (RFC 8032 strict): a small-order public key verifies nothing, a non-canonical S is refused', () => {
    // The identity point (y = 1) with the signature R = identity, S = 0 "verifies" any message
    // under the consensus (ZIP 215) rules; RFC 8032 with small-order keys refused does not.
    const identity = hex('01' + '00'.repeat(31));
    expect(ed25519Verify(new Uint8Array([...identity, ...new Uint8Array(32)]), text('anything'), identity)).toBe(false);
    const seed = randomBytes(32);
    const sig = ed25519Sign(seed, text('m'));
    // S + L (the group order) is the same scalar, but not canonical: refused.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
    let t = s + L;
    const high = Uint8Array.from(sig);
    for (let i = 0; i < 32; i++, t >>= 8n) high[32 + i] = Number(t & 0xffn);
    expect(ed25519Verify(high, text('m'), ed25519PublicKey(seed))).toBe(false);
  });

  it('switches the base-point table on after many operations, with the same deterministic signatures', () => {
    const seed = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const expected = toHex(ed25519Sign(seed, text('table')));
    let ops = 1;
    while (!ed25519TableOn()) {
      expect(toHex(ed25519Sign(seed, text('table')))).toBe(expected);
      ops++;
      expect(ops).toBeLessThanOrEqual(ED25519_TABLE_AFTER + 1);
    }
    for (let i = 0; i < 3; i++) expect(toHex(ed25519Sign(seed, text('table')))).toBe(expected);
    expect(ed25519Verify(hex(expected), text('table'), ed25519PublicKey(seed))).toBe(true);
  });
});

// In a bundle, noble's module code (curve set-up with its RNG probe, the 256 KB AES T-tables)
// runs at the first call that needs it, not when the bundle loads (build.mjs nobleWhenFirstUsed).
// Seen from outside: a Uint32Array of 65,536 entries (an AES T-table) and a read of
// crypto.getRandomValues (noble's RNG probe when the curves are set up), counted in a child process.
const COUNT = `
let tables = 0, rng = 0;
const U = globalThis.Uint32Array;
globalThis.Uint32Array = new Proxy(U, { construct(t, a, n) { if (a[0] === 65536) tables++; return Reflect.construct(t, a, n); } });
const c = globalThis.crypto;
Object.defineProperty(globalThis, 'crypto', { configurable: true, get() { rng++; return c; } });
process.on('exit', () => process.stderr.write('\\nCOUNTS ' + JSON.stringify({ tables, rng }) + '\\n'));
`;
const counts = (stderr: string): { tables: number; rng: number } => JSON.parse(/COUNTS (.*)/.exec(stderr)![1]!);

describe('crypto: noble is set up when first used, in the bundles', () => {
  it('loading the crypto module does no set-up; the first seal builds the AES table, the first signature sets up the curve', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crypto-lazy-'));
    try {
      const { nobleWhenFirstUsed } = (await import(pathToFileURL(join(ROOT, 'build.mjs')).href)) as { nobleWhenFirstUsed: Plugin };
      const out = join(dir, 'crypto.mjs');
      await build({ entryPoints: [join(ROOT, 'src/opennexus/core/crypto.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', plugins: [nobleWhenFirstUsed] });
      const script = (use: string) => `${COUNT}\nconst m = await import(${JSON.stringify(out)});\n${use}\n`;
      const run = async (use: string) => counts((await execa('node', ['--input-type=module', '-e', script(use)])).stderr);
      expect(await run('')).toEqual({ tables: 0, rng: 0 });
      expect(await run('m.sha256(new Uint8Array(1));')).toEqual({ tables: 0, rng: 0 });
      // GCM encrypts blocks only: the bundle keeps noble's forward T01/T23 tables and drops the
      // inverse ones (pure, unused), so a seal builds two.
      const seal = 'const s = m.aesGcmSeal(new Uint8Array(32), new Uint8Array(12), new Uint8Array(1), new Uint8Array(0));';
      expect((await run(seal)).tables).toBe(2);
      expect((await run(`${seal} if (m.aesGcmOpen(new Uint8Array(32), new Uint8Array(12), s, new Uint8Array(0))[0] !== 0) throw 1;`)).tables).toBe(2);
      expect((await run('m.ed25519Sign(new Uint8Array(32), new Uint8Array(1));')).rng).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opennexus --help and peers do no crypto set-up at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crypto-cli-'));
    try {
      for (const args of [['--help'], ['peers', '--json']]) {
        const r = await execa('node', ['--import', `data:text/javascript,${encodeURIComponent(COUNT)}`, join(ROOT, 'scripts/opennexus.mjs'), ...args], { env: { NEXUS_STATE_DIR: dir }, reject: false });
        expect(counts(r.stderr), args.join(' ')).toEqual({ tables: 0, rng: 0 });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('session keys: SHA-256 through the crypto module, the recent digests remembered', () => {
  it('a key matches its own digest only, before and after the memory of recent keys is cleared', () => {
    const key = 'a'.repeat(64);
    const digest = hashSessionKey(key);
    expect(digest).toBe(toHex(sha256(text(key))));
    for (let round = 0; round < 2; round++) {
      expect(keyMatches(key, digest)).toBe(true);
      expect(keyMatches('b'.repeat(64), digest)).toBe(false);
      expect(keyMatches(key, hashSessionKey('b'.repeat(64)))).toBe(false);
      expect(keyMatches(key, digest.slice(1))).toBe(false);
      // More keys than the memory holds: it is cleared, and every answer stays the same.
      for (let i = 0; i <= RECENT_KEYS_MAX; i++) expect(keyMatches(`k${i}`, digest)).toBe(false);
    }
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
