/**
 * Session keys at rest (nexus spec §2.1: only a SHA-256 of a session key is kept). Deterministic
 * functions of their arguments, so the pure transitions (sessions.ts, auth.ts) call them directly.
 */
import { hash } from 'node:crypto';

export function hashSessionKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/**
 * Whether `key` hashes to `keyHash`. Digests, not keys, are compared, without an early exit;
 * the one-shot hash costs a third of createHash's on every keyed request.
 */
export function keyMatches(key: string, keyHash: string): boolean {
  const a = hashSessionKey(key);
  if (a.length !== keyHash.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ keyHash.charCodeAt(i);
  return diff === 0;
}
