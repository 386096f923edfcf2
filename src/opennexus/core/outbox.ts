/**
 * The outbox (pure): every message an agent sends is kept until its session is known to be
 * good or its TTL passes, so nothing is lost silently when the peer is offline or loses its
 * session (opennexus spec §4.2 only sends while both sides are online; this is ours).
 *
 *   queued --(a session with the peer exists: seal)--> sent
 *   sent --(authenticated DATA from the peer on that session)--> gone (delivered)
 *   sent --(a reset names that session)--> queued again, marked redelivered
 *   any --(TTL)--> gone, reported
 */
import { b64 } from './bytes.ts';
import type { CacheState } from './cache.ts';
import type { Identity } from './identity.ts';
import { sealFor } from './initiator.ts';
import type { DataMessage } from './wire.ts';

export interface OutboxEntry {
  /** Our id for the message, shown to the user (not sent on the wire). */
  id: string;
  peer: string;
  bytes: Uint8Array;
  createdMs: number;
  expiresMs: number;
  state: 'queued' | 'sent';
  /** Where it went last (state 'sent'). */
  sessionId?: string;
  counter?: string;
  /** It went out again under a new session after the peer lost the first one. */
  redelivered: boolean;
}

/** Bounds: a peer that never answers cannot make the state file grow without end. */
export const OUTBOX_MAX_ENTRIES = 1000;
export const OUTBOX_MAX_BYTES = 8 * 1024 * 1024;

export function outboxBytes(cache: CacheState): number {
  return cache.outbox.reduce((n, e) => n + e.bytes.length, 0);
}

/** Adds a queued message; false when the outbox is full (the caller reports it). */
export function enqueue(cache: CacheState, e: Omit<OutboxEntry, 'state' | 'redelivered'>): CacheState | null {
  if (cache.outbox.length >= OUTBOX_MAX_ENTRIES || outboxBytes(cache) + e.bytes.length > OUTBOX_MAX_BYTES) return null;
  return { ...cache, outbox: [...cache.outbox, { ...e, state: 'queued', redelivered: false }] };
}

export interface Flushed {
  entry: OutboxEntry;
  data: DataMessage;
}

/**
 * Seals every queued message for `peer`, oldest first, if a session exists. The caller must
 * save the cache before posting (a sealed counter is spent either way).
 */
export function flushPeer(cache: CacheState, self: Identity, peerId: Uint8Array, ownUrl: string, now: number): { cache: CacheState; flushed: Flushed[] } {
  const peer = b64(peerId);
  let c = cache;
  const flushed: Flushed[] = [];
  const outbox = cache.outbox.map((e) => {
    if (e.peer !== peer || e.state !== 'queued') return e;
    const s = sealFor(c, self, peerId, e.bytes, ownUrl, now);
    if (!s) return e;
    c = s.cache;
    const sent: OutboxEntry = { ...e, state: 'sent', sessionId: s.data.session_id, counter: s.data.counter.toString() };
    flushed.push({ entry: sent, data: s.data });
    return sent;
  });
  return { cache: { ...c, outbox }, flushed };
}

/** The POST of (session, counter) failed: that message goes back to the queue (the counter is spent). */
export function unsend(cache: CacheState, sessionId: string, counter: string): CacheState | undefined {
  const hit = cache.outbox.find((e) => e.state === 'sent' && e.sessionId === sessionId && e.counter === counter);
  if (!hit) return undefined;
  return { ...cache, outbox: cache.outbox.map((e) => (e === hit ? withoutSession({ ...e, state: 'queued' }) : e)) };
}

function withoutSession(e: OutboxEntry): OutboxEntry {
  const { sessionId: _s, counter: _c, ...rest } = e;
  return rest;
}

/** The peer wrote to us on `sessionId`: it holds that session, so what we sent on it is delivered. */
export function confirmSession(cache: CacheState, peer: string, sessionId: string): { cache: CacheState; delivered: OutboxEntry[] } {
  const delivered = cache.outbox.filter((e) => e.peer === peer && e.state === 'sent' && e.sessionId === sessionId);
  if (!delivered.length) return { cache, delivered };
  return { cache: { ...cache, outbox: cache.outbox.filter((e) => !delivered.includes(e)) }, delivered };
}

/** The peer lost `sessionId`: what we sent on it is queued again, to go out under a new one. */
export function requeueSession(cache: CacheState, peer: string, sessionId: string): { cache: CacheState; requeued: OutboxEntry[] } {
  const requeued: OutboxEntry[] = [];
  const outbox = cache.outbox.map((e) => {
    if (e.peer !== peer || e.state !== 'sent' || e.sessionId !== sessionId) return e;
    const again = withoutSession({ ...e, state: 'queued', redelivered: true });
    requeued.push(again);
    return again;
  });
  return { cache: requeued.length ? { ...cache, outbox } : cache, requeued };
}

/** Drops what has passed its TTL; each one is reported (queued: never delivered). */
export function expire(cache: CacheState, now: number): { cache: CacheState; expired: OutboxEntry[] } {
  const expired = cache.outbox.filter((e) => e.expiresMs <= now);
  if (!expired.length) return { cache, expired };
  return { cache: { ...cache, outbox: cache.outbox.filter((e) => e.expiresMs > now) }, expired };
}

export const queuedFor = (cache: CacheState, peer: string) => cache.outbox.some((e) => e.peer === peer && e.state === 'queued');
