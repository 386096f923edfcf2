/**
 * The only module that imports cryptography (DESIGN principle 2): Node's own (OpenSSL). Every
 * function is a pure function of its inputs except `randomBytes`, which the I/O shells call and
 * pass in.
 *
 * Why node:crypto and not @noble: a CLI process lives for one send, and noble builds its curve
 * and AES tables when it is imported (~11 ms of a ~100 ms send); OpenSSL needs no set-up, is
 * constant-time and is what the reference client's library (pyca/cryptography) uses too.
 * Raw 32-byte keys are wrapped in their fixed DER prefixes (RFC 8410) to become KeyObjects.
 */
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, randomBytes as nodeRandomBytes, sign, verify, type KeyObject } from 'node:crypto';

// RFC 8410 DER prefixes: PKCS#8 private keys and SubjectPublicKeyInfo for Ed25519 / X25519.
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');

function raw32(k: Uint8Array, what: string): Uint8Array {
  if (k.length !== 32) throw new Error(`${what} must be 32 bytes, got ${k.length}`);
  return k;
}

const privateKey = (prefix: Buffer, k: Uint8Array, what: string): KeyObject => createPrivateKey({ key: Buffer.concat([prefix, raw32(k, what)]), format: 'der', type: 'pkcs8' });
const publicKey = (prefix: Buffer, k: Uint8Array, what: string): KeyObject => createPublicKey({ key: Buffer.concat([prefix, raw32(k, what)]), format: 'der', type: 'spki' });
const rawPublic = (k: KeyObject): Uint8Array => new Uint8Array(k.export({ format: 'der', type: 'spki' }).subarray(-32));
const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

export function sha256(data: Uint8Array): Uint8Array {
  return bytes(createHash('sha256').update(data).digest());
}

/** Ed25519 public key from the 32-byte seed (opennexus spec §1.2: the key file holds the seed). */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return rawPublic(createPublicKey(privateKey(ED25519_PKCS8, seed, 'Ed25519 seed')));
}

export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return bytes(sign(null, message, privateKey(ED25519_PKCS8, seed, 'Ed25519 seed')));
}

/** Never throws: a malformed key or signature is simply not valid. */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, pub: Uint8Array): boolean {
  try {
    return signature.length === 64 && verify(null, message, publicKey(ED25519_SPKI, pub, 'Ed25519 public key'), signature);
  } catch {
    return false;
  }
}

export function x25519PublicKey(priv: Uint8Array): Uint8Array {
  return rawPublic(createPublicKey(privateKey(X25519_PKCS8, priv, 'X25519 private key')));
}

/** Throws on a low-order peer key (an all-zero shared secret), as the reference's library does. */
export function x25519SharedSecret(priv: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  const shared = bytes(diffieHellman({ privateKey: privateKey(X25519_PKCS8, priv, 'X25519 private key'), publicKey: publicKey(X25519_SPKI, peerPublicKey, 'X25519 public key') }));
  if (shared.every((b) => b === 0)) throw new Error('x25519: low-order public key (all-zero shared secret)');
  return shared;
}

export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, salt, info, length));
}

const TAG_BYTES = 16;

/** AES-256-GCM; the output is ciphertext || 16-byte tag (opennexus spec §2). */
export function aesGcmSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  if (aad.length > 0) c.setAAD(aad);
  const head = c.update(plaintext);
  const tail = c.final();
  const out = new Uint8Array(head.length + tail.length + TAG_BYTES);
  out.set(head);
  out.set(tail, head.length);
  out.set(c.getAuthTag(), head.length + tail.length);
  return out;
}

/** Throws when the tag does not verify. */
export function aesGcmOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  if (sealed.length < TAG_BYTES) throw new Error('aes-gcm: ciphertext shorter than its tag');
  const d = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  if (aad.length > 0) d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const head = d.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  const tail = d.final(); // throws when the tag does not verify
  return tail.length === 0 ? bytes(head) : bytes(Buffer.concat([head, tail]));
}

export function randomBytes(n: number): Uint8Array {
  return bytes(nodeRandomBytes(n));
}
