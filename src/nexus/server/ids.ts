/**
 * Fresh ids and keys for the session server, drawn before a transition runs (sessions.ts: a
 * transition may run more than once, so it takes them as values). Randomness is injected in
 * tests; otherwise it comes from pools of CSPRNG bytes (random-pool.ts), since every send
 * draws a message id.
 */
import { pooledRandom, pooledRandomHex } from './random-pool.ts';

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

export interface Ids {
  random: (bytes: number) => Uint8Array;
  sessionId: () => string;
  messageId: () => string;
  sessionKey: () => string;
}

export function serverIds(injected?: (bytes: number) => Uint8Array): Ids {
  const random = injected ?? pooledRandom();
  const randomHex = injected ? (n: number) => hex(injected(n)) : pooledRandomHex();
  return {
    random,
    sessionId: () => randomHex(24),
    messageId: () => `msg_${randomHex(8)}`,
    sessionKey: () => randomHex(32),
  };
}
