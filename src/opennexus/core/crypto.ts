/**
 * The only module that imports cryptography (DESIGN principle 2), and the only source of its
 * primitives: the design card's audited pure-JS packages, @noble/curves (Ed25519, X25519),
 * @noble/hashes (SHA-256, HKDF) and @noble/ciphers (AES-256-GCM). Randomness is the platform's
 * CSPRNG (crypto.getRandomValues, through noble's randomBytes). Every function is a pure function
 * of its inputs except `randomBytes`, which the I/O shells call and pass in.
 *
 * Start-up: the bundles (build.mjs, plugin nobleWhenFirstUsed) run each noble module's set-up
 * (curve constants, the AES T-table) at the first call that needs it, so a command that does no
 * crypto never pays for it. Ed25519 multiplies the base point without a table in a one-shot
 * process (see `curve()`), and switches on noble's precomputed table once a process has shown
 * that it signs or verifies many times.
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { randomBytes as nobleRandomBytes } from '@noble/hashes/utils.js';

function raw32(k: Uint8Array, what: string): Uint8Array {
  if (k.length !== 32) throw new Error(`${what} must be 32 bytes, got ${k.length}`);
  return k;
}

/**
 * Base-point multiplications (public key, sign, verify) before the table is switched on. Noble's
 * default, a W=6 table of the blinded base point (~2,000 points), is built at the first multiply:
 * several times the cost of the multiply itself, which a CLI that signs once never earns back.
 * W=1 means no table (noble's fixed-window path, still constant-time); after this many
 * operations a long-lived process (the hub, a stream, the plugin) gets the table.
 */
export const ED25519_TABLE_AFTER = 16;
let baseOps = -1;
let tableOn = false;

function curve(): typeof ed25519 {
  if (baseOps < 0) ed25519.Point.BASE.precompute(1);
  if (++baseOps === ED25519_TABLE_AFTER) {
    ed25519.Point.BASE.precompute(6); // built lazily, at the next multiplication
    tableOn = true;
  }
  return ed25519;
}

/** Whether this process has switched Ed25519's base-point table on (for the tests). */
export function ed25519TableOn(): boolean {
  return tableOn;
}

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

/**
 * SHA-256 of a string's UTF-8 bytes, as lower-case hex (or base64): what the servers keep of a
 * session key (nexus spec §2.1), a long agent id's Redis key, a message's idempotency digest, the
 * pairing page's CSP hash. Buffer does the UTF-8 and the hex, Node's fastest path for both.
 */
export function sha256Text(text: string, encoding: 'hex' | 'base64' = 'hex'): string {
  return Buffer.from(nobleSha256(Buffer.from(text, 'utf8'))).toString(encoding);
}

/** SHA-1 as hex, only because Redis names a Lua script by it (EVALSHA): no security rests on it. */
export function sha1Hex(text: string): string {
  return Buffer.from(sha1(Buffer.from(text, 'utf8'))).toString('hex');
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(nobleSha256, key, data);
}

/** Ed25519 public key from the 32-byte seed (opennexus spec §1.2: the key file holds the seed). */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return curve().getPublicKey(raw32(seed, 'Ed25519 seed'));
}

export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return curve().sign(message, raw32(seed, 'Ed25519 seed'));
}

/**
 * Never throws: a malformed key or signature is simply not valid. RFC 8032 verification
 * (opennexus spec §2: "plain Ed25519 (RFC 8032)"): canonical encodings only, and a small-order
 * public key is refused (noble's zip215: false), not the consensus rules noble defaults to.
 */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, pub: Uint8Array): boolean {
  if (signature.length !== 64 || pub.length !== 32) return false;
  try {
    return curve().verify(signature, message, pub, { zip215: false });
  } catch {
    return false;
  }
}

export function x25519PublicKey(priv: Uint8Array): Uint8Array {
  return x25519.getPublicKey(raw32(priv, 'X25519 private key'));
}

/** Throws on a low-order peer key (an all-zero shared secret), as the reference's library does. */
export function x25519SharedSecret(priv: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  const shared = x25519.getSharedSecret(raw32(priv, 'X25519 private key'), raw32(peerPublicKey, 'X25519 public key'));
  if (shared.every((b) => b === 0)) throw new Error('x25519: low-order public key (all-zero shared secret)');
  return shared;
}

export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return hkdf(nobleSha256, ikm, salt, info, length);
}

const TAG_BYTES = 16;

/** AES-256-GCM; the output is ciphertext || 16-byte tag (opennexus spec §2). */
export function aesGcmSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  return gcm(raw32(key, 'AES-256 key'), nonce, aad).encrypt(plaintext);
}

/** Throws when the tag does not verify. */
export function aesGcmOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  if (sealed.length < TAG_BYTES) throw new Error('aes-gcm: ciphertext shorter than its tag');
  return gcm(raw32(key, 'AES-256 key'), nonce, aad).decrypt(sealed);
}

/** The platform's CSPRNG (crypto.getRandomValues). */
export function randomBytes(n: number): Uint8Array {
  return nobleRandomBytes(n);
}

/** `n` random bytes as hex (ids, instance tags). */
export function randomHex(n: number): string {
  const b = nobleRandomBytes(n);
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}
