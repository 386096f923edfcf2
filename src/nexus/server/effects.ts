/**
 * The session server's clock, ids and key hashing, handed to the pure rules (sessions.ts
 * Effects). Randomness is injected in tests; otherwise it comes from pools of CSPRNG bytes
 * (random-pool.ts), since every send draws a message id.
 */
import { hash } from 'node:crypto';
import { pooledRandom, pooledRandomHex } from './random-pool.ts';
import type { Effects } from './sessions.ts';

export const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * Whether `key` hashes to `keyHash` (nexus spec §2.1: only a SHA-256 of a session key is kept).
 * Digests, not keys, are compared, without an early exit; the one-shot hash costs a third of
 * createHash's on every keyed request.
 */
export function keyMatches(key: string, keyHash: string): boolean {
  const a = hash('sha256', key, 'hex');
  if (a.length !== keyHash.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ keyHash.charCodeAt(i);
  return diff === 0;
}

export interface ServerEffects {
  /** Effects for one request, at the current time. */
  effects: () => Effects;
  random: (bytes: number) => Uint8Array;
  randomHex: (bytes: number) => string;
}

export function serverEffects(now: () => number, injected?: (bytes: number) => Uint8Array): ServerEffects {
  const random = injected ?? pooledRandom();
  const randomHex = injected ? (n: number) => hex(injected(n)) : pooledRandomHex();
  const newMessageId = () => `msg_${randomHex(8)}`;
  const newSessionKey = () => randomHex(32);
  const hashKey = (k: string) => hash('sha256', k, 'hex');
  return { effects: () => ({ now: now(), newMessageId, newSessionKey, hashKey, keyMatches }), random, randomHex };
}
