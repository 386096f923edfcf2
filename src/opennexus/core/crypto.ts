/**
 * The only module that imports the crypto library (DESIGN principle 2). Everything here is a
 * pure function of its inputs except `randomBytes`, which the I/O shells call and pass in.
 * Subpath imports keep the bundles free of curves and hashes we do not use.
 *
 * AES-256-GCM is Node's (OpenSSL, AES-NI): @noble/ciphers builds its AES tables when it is
 * imported, ~6 ms of every CLI start, and a send over a live session needs nothing else.
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { randomBytes as nobleRandomBytes } from '@noble/hashes/utils.js';

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

/** Ed25519 public key from the 32-byte seed (opennexus spec §1.2: the key file holds the seed). */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(seed);
}

export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, seed);
}

/** Never throws: a malformed key or signature is simply not valid. */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(privateKey);
}

/** Throws on a low-order peer key (all-zero shared secret), as the reference's library does. */
export function x25519SharedSecret(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  return x25519.getSharedSecret(privateKey, peerPublicKey);
}

export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return hkdf(nobleSha256, ikm, salt, info, length);
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
  return tail.length === 0 ? new Uint8Array(head.buffer, head.byteOffset, head.length) : Uint8Array.from([...head, ...tail]);
}

export function randomBytes(n: number): Uint8Array {
  return nobleRandomBytes(n);
}
