/**
 * Session keys at rest (nexus spec §2.1: only a SHA-256 of a session key is kept). Deterministic
 * functions of their arguments, so the pure transitions (sessions.ts, auth.ts) call them directly.
 */
import { sha256Text } from '../../opennexus/core/crypto.ts';

export function hashSessionKey(key: string): string {
  return sha256Text(key);
}

/**
 * The digests of the keys presented lately. SHA-256 is the crypto module's (noble, pure JS):
 * a 64-character key is two blocks, ~3-8 us, 5-8x node's one-shot hash, on every keyed request,
 * and an agent presents the same key at every send and poll. Only this process's memory holds
 * them, as it holds each request's key while it is handled; what is stored stays the digest.
 * Bounded: cleared when full.
 */
const recent = new Map<string, string>();
export const RECENT_KEYS_MAX = 4096;

function digestOf(key: string): string {
  let d = recent.get(key);
  if (d === undefined) {
    d = hashSessionKey(key);
    if (recent.size >= RECENT_KEYS_MAX) recent.clear();
    recent.set(key, d);
  }
  return d;
}

/** Whether `key` hashes to `keyHash`. Digests, not keys, are compared, without an early exit. */
export function keyMatches(key: string, keyHash: string): boolean {
  const a = digestOf(key);
  if (a.length !== keyHash.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ keyHash.charCodeAt(i);
  return diff === 0;
}
