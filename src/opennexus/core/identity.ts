/**
 * Identities (opennexus spec §1.2-§1.3): an Ed25519 key pair whose key files hold base64 of the raw
 * 32-byte public key and of the 32-byte seed; agent_id = SHA-256(public key).
 */
import { b64, unb64 } from './bytes.ts';
import { ed25519PublicKey, sha256 } from './crypto.ts';
import { ProtocolError } from './errors.ts';

export interface Identity {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly agentId: Uint8Array;
  readonly publicKeyB64: string;
  readonly agentIdB64: string;
}

export function agentIdOf(publicKey: Uint8Array): Uint8Array {
  return sha256(publicKey);
}

export function identityFromSeed(seed: Uint8Array): Identity {
  if (seed.length !== 32) throw new ProtocolError('bad_key', 'private key must be a 32-byte Ed25519 seed');
  const publicKey = ed25519PublicKey(seed);
  const agentId = agentIdOf(publicKey);
  return { seed, publicKey, agentId, publicKeyB64: b64(publicKey), agentIdB64: b64(agentId) };
}

/**
 * Parses a key file's text. Surrounding whitespace is tolerated (opennexus spec §1.2: the reference
 * strips on load); the content must be canonical base64 of exactly 32 bytes.
 */
export function parseKeyText(text: string, what: 'public key' | 'private key'): Uint8Array {
  return unb64(text.trim(), 32, what);
}

/**
 * An identity from a key pair already known to belong together (keys.ts checked it once and
 * remembers that): no public-key derivation, whose first base-point multiplication (with its
 * table set-up) is the costliest step of a short `send` that needs no signature.
 */
export function identityFromCheckedPair(seed: Uint8Array, publicKey: Uint8Array): Identity {
  const agentId = agentIdOf(publicKey);
  return { seed, publicKey, agentId, publicKeyB64: b64(publicKey), agentIdB64: b64(agentId) };
}

/** Loads an identity from the two key files' texts and checks that they belong together. */
export function identityFromKeyTexts(publicText: string, privateText: string): Identity {
  const id = identityFromSeed(parseKeyText(privateText, 'private key'));
  const pub = parseKeyText(publicText, 'public key');
  if (b64(pub) !== id.publicKeyB64) {
    throw new ProtocolError('bad_key', 'public key file does not match the private key file');
  }
  return id;
}

/** Key file content: base64 with no trailing newline (opennexus spec §1.2). */
export function keyFileText(bytes: Uint8Array): string {
  return b64(bytes);
}
