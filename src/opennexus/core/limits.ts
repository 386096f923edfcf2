/**
 * Bounds on what strangers can make an agent store or send (pure; the clock is passed in).
 * A HELLO is self-signed, so fresh identities cost an attacker nothing: without these, a HELLO
 * flood grows the session cache without limit and makes the agent POST a HELLO_ACK to any URL
 * named in each one, and forged DATA makes it POST resets.
 *
 * - A session is *confirmed* once it carried authenticated DATA, or when we started it. A
 *   session made by a HELLO from a peer we had no confirmed session with is *pending*.
 * - At most MAX_PENDING pending sessions and MAX_SESSIONS in all; the least recently used goes.
 * - HELLOs from new peers are answered at most HELLO_BURST per HELLO_WINDOW_MS.
 * - Resets: one per (peer, session), at most RESETS_PER_PEER per peer and RESETS_TOTAL in all
 *   per RESET_INTERVAL_MS.
 */
import type { CacheState } from './cache.ts';

export const MAX_SESSIONS = 1024;
export const MAX_PENDING = 64;
/** Handshakes we began and that are not answered yet (one per peer). */
export const MAX_OWN_PENDING = 256;
export const HELLO_BURST = 20;
export const HELLO_WINDOW_MS = 10_000;
export const RESET_INTERVAL_MS = 30_000;
export const RESETS_PER_PEER = 2;
export const RESETS_TOTAL = 20;

/** Is this peer one we already talk to (so its HELLO is not a stranger's)? */
export function isKnownPeer(cache: CacheState, peer: string): boolean {
  return cache.sessions[peer]?.confirmed === true;
}

/** May a HELLO from a new peer be answered now? Counts pending sessions made in the window. */
export function helloAllowed(cache: CacheState, now: number): boolean {
  let recent = 0;
  for (const s of Object.values(cache.sessions)) if (!s.confirmed && now - s.lastUsedMs < HELLO_WINDOW_MS) recent++;
  return recent < HELLO_BURST;
}

/** Evicts least recently used sessions (pending first) until the caps hold. Mutates `cache`. */
export function enforceCaps(cache: CacheState): void {
  const byAge = (pendingOnly: boolean) =>
    Object.entries(cache.sessions)
      .filter(([, s]) => !pendingOnly || !s.confirmed)
      .sort(([, x], [, y]) => x.lastUsedMs - y.lastUsedMs)
      .map(([peer]) => peer);
  const drop = (peer: string) => {
    delete cache.sessions[peer];
    delete cache.peerMessengerUrls[peer];
  };
  const pending = byAge(true);
  for (const peer of pending.slice(0, Math.max(0, pending.length - MAX_PENDING))) drop(peer);
  const all = byAge(false);
  for (const peer of all.slice(0, Math.max(0, all.length - MAX_SESSIONS))) drop(peer);
  const own = Object.entries(cache.pending).sort(([, x], [, y]) => x.startedMs - y.startedMs);
  for (const [peer] of own.slice(0, Math.max(0, own.length - MAX_OWN_PENDING))) delete cache.pending[peer];
  // URLs the user gave for peers with no session are kept, within the same bound.
  const urls = Object.keys(cache.peerMessengerUrls).filter((p) => !cache.sessions[p] && !cache.pending[p]);
  for (const peer of urls.slice(0, Math.max(0, urls.length - MAX_SESSIONS))) delete cache.peerMessengerUrls[peer];
}

export type ResetDecision = 'send' | 'same_session' | 'peer_limit' | 'total_limit';

/** Whether a reset about (peer, session) may go out now; records it when it may. Mutates `cache`. */
export function takeReset(cache: CacheState, peer: string, sessionId: string, now: number): ResetDecision {
  for (const [k, at] of Object.entries(cache.resets)) if (now - at > RESET_INTERVAL_MS) delete cache.resets[k];
  const key = `${peer}|${sessionId}`;
  if (cache.resets[key] !== undefined) return 'same_session';
  const keys = Object.keys(cache.resets);
  if (keys.filter((k) => k.startsWith(`${peer}|`)).length >= RESETS_PER_PEER) return 'peer_limit';
  if (keys.length >= RESETS_TOTAL) return 'total_limit';
  cache.resets[key] = now;
  return 'send';
}
