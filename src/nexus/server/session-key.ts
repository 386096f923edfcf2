/**
 * Session keys at rest (nexus spec §2.1: only a SHA-256 of a session key is kept). Deterministic
 * functions of their arguments, so the pure transitions (sessions.ts, auth.ts) call them directly.
 */
import { sha256Text } from '../../opennexus/core/crypto.ts';

export function hashSessionKey(key: string): string {
  return sha256Text(key);
}

/**
 * Whether `key` hashes to `keyHash`. Digests, not keys, are compared, without an early exit.
 * SHA-256 is the crypto module's (noble): ~1-2 us per keyed request, ~3x node's one-shot hash.
 */
export function keyMatches(key: string, keyHash: string): boolean {
  const a = hashSessionKey(key);
  if (a.length !== keyHash.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ keyHash.charCodeAt(i);
  return diff === 0;
}
