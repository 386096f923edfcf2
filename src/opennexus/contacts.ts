/**
 * What the session cache knows about others, as lists the CLI (`peers`, `outbox`) and the
 * plugin's tools share: who can be replied to (key, messenger, session state) and what was
 * sent and not yet confirmed. Pure: the cache in, plain records out.
 */
import type { CacheState } from './core/cache.ts';
import { textOf } from './core/outbox.ts';
import { safetyNumber } from './core/safety.ts';

const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : null);

export interface PeerEntry {
  agent_id: string;
  public_key: string | null;
  messenger_url: string | null;
  session: 'confirmed' | 'pending_peer' | 'handshake_pending' | 'none';
  last_seen: string | null;
  queued: number;
  /** What both owners compare before approving (the same on both sides): this agent's key and the peer's. */
  safety_number: string | null;
}

/** Every peer with a session, a pending handshake or a known messenger: what a reply needs. */
export function peerList(c: CacheState, ownPublicKey?: string): PeerEntry[] {
  const ids = new Set([...Object.keys(c.sessions), ...Object.keys(c.pending), ...Object.keys(c.peerMessengerUrls)]);
  const list = [...ids].map((id): PeerEntry => {
    const s = c.sessions[id];
    const entry: PeerEntry = {
      agent_id: id,
      public_key: s?.peerPublicKey ?? c.pending[id]?.peerPublicKey ?? null,
      messenger_url: c.peerMessengerUrls[id] ?? null,
      session: s ? (s.confirmed ? 'confirmed' : 'pending_peer') : c.pending[id] ? 'handshake_pending' : 'none',
      last_seen: s ? iso(s.lastUsedMs) : null,
      queued: c.outbox.filter((e) => e.peer === id && e.state === 'queued').length,
      safety_number: null,
    };
    if (entry.public_key && ownPublicKey) {
      try {
        entry.safety_number = safetyNumber(entry.public_key, ownPublicKey);
      } catch {
        // a key that does not decode has no safety number
      }
    }
    return entry;
  });
  return list.sort((a, b) => String(b.last_seen).localeCompare(String(a.last_seen)));
}

/**
 * Messages queued (for a handshake or a retry), being sent (sealed, the POST not answered yet:
 * a killed sender leaves them so, and they go out again), or accepted by the peer's messenger
 * and not yet confirmed by the peer.
 */
export function outboxList(c: CacheState, now: number) {
  return c.outbox.map((e) => ({
    id: e.id,
    to: e.peer,
    state: e.state === 'queued' ? 'queued' : e.state === 'posting' ? 'sending' : 'sent_unconfirmed',
    text: textOf(e),
    created_at: iso(e.createdMs),
    expires_at: iso(e.expiresMs),
    expired: e.expiresMs <= now,
    redelivered: e.redelivered,
    ...(e.sessionId ? { session_id: e.sessionId, counter: e.counter } : {}),
  }));
}
