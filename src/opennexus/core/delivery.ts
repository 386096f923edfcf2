/**
 * What the outbox (core/outbox.ts) does when a session appears or disappears, and on each tick
 * of a running stream; pure, used by inbound.ts and by the sending side. A session ready ->
 * seal and post what waits; a session lost -> requeue what went out on it and handshake again
 * (at most once per HELLO_RETRY_MS per peer: a storm of HELLOs is no better than silence).
 */
import { unb64 } from './bytes.ts';
import type { CacheState } from './cache.ts';
import type { Identity } from './identity.ts';
import { beginHandshake } from './initiator.ts';
import type { InboundResult } from './inbound.ts';
import { confirmSession, expire, flushPeer, queuedFor, reclaimStale, requeueSession, textOf, type OutboxEntry } from './outbox.ts';
import type { OutboundMessage } from './wire.ts';

/** A pending handshake younger than this is waited for, not repeated. */
export const HELLO_RETRY_MS = 60_000;

export type DeliveryEvent =
  | { type: 'outbox_sent'; to: string; id: string; sessionId: string; counter: string; redelivered: boolean }
  /**
   * The peer wrote on the session the message went out on, so it holds that session: the
   * outbox lets the message go. Not a receipt (the protocol has none): a messenger that lost a
   * message it had accepted (restarted without its queue, say) cannot be told from here.
   */
  | { type: 'delivered'; to: string; id: string; sessionId: string }
  /** lost: the peer said it lost the session; unanswered: the POST never reported back (the sender died). */
  | { type: 'requeued'; to: string; id: string; sessionId: string; why: 'session_lost' | 'unanswered' }
  | { type: 'expired'; to: string; id: string; text: string; state: OutboxEntry['state'] }
  /** The peer lost the session it went out on once more than MAX_REQUEUES allows (core/outbox.ts): it left the outbox unconfirmed. */
  | { type: 'gave_up'; to: string; id: string; text: string; sessionId: string; requeues: number }
  /** The peer's messenger refused it (400/413): it never will accept it, so it left the outbox. */
  | { type: 'refused'; to: string; id: string; text: string; error: string }
  | { type: 'hello_sent'; to: string; reason: 'session_lost' | 'retry' };

export interface DeliveryContext {
  self: Identity;
  ownMessengerUrl: string;
  now: number;
  /** Draws a fresh X25519 private key, called only if a new handshake begins; without it, none does. */
  freshKey?: () => Uint8Array;
}

export interface DeliveryResult {
  cache: CacheState;
  events: DeliveryEvent[];
  outbound: Array<{ url: string; message: OutboundMessage }>;
}

/** A session with `peer` is ready: everything queued for it is sealed, oldest first. */
export function sessionReady(cache: CacheState, peer: string, ctx: DeliveryContext): DeliveryResult {
  const url = cache.peerMessengerUrls[peer];
  if (!url || !queuedFor(cache, peer)) return { cache, events: [], outbound: [] };
  const f = flushPeer(cache, ctx.self, unb64(peer, 32), ctx.ownMessengerUrl, ctx.now);
  return {
    cache: f.cache,
    events: f.flushed.map(({ entry: e }) => ({ type: 'outbox_sent', to: peer, id: e.id, sessionId: e.sessionId!, counter: e.counter!, redelivered: e.redelivered })),
    outbound: f.flushed.map(({ data }) => ({ url, message: data })),
  };
}

/** Begins a handshake with `peer` if something waits for it and none is under way. */
function maybeHello(cache: CacheState, peer: string, peerPublicKey: string, ctx: DeliveryContext, reason: 'session_lost' | 'retry'): DeliveryResult {
  const url = cache.peerMessengerUrls[peer];
  const pending = cache.pending[peer];
  if (!ctx.freshKey || !url || !peerPublicKey || !queuedFor(cache, peer) || (pending && ctx.now - pending.startedMs < HELLO_RETRY_MS)) return { cache, events: [], outbound: [] };
  let peerId: Uint8Array;
  let peerPub: Uint8Array;
  try {
    peerId = unb64(peer, 32);
    peerPub = unb64(peerPublicKey, 32);
  } catch {
    return { cache, events: [], outbound: [] };
  }
  const b = beginHandshake(cache, { self: ctx.self, peerId, peerPublicKey: peerPub, peerUrl: url, ownMessengerUrl: ctx.ownMessengerUrl, ephPrivate: ctx.freshKey(), now: ctx.now });
  return { cache: b.cache, events: [{ type: 'hello_sent', to: peer, reason }], outbound: [{ url, message: b.hello }] };
}

/**
 * The peer lost `sessionId` (it said so with a reset): requeue what went on it, and send it on
 * the session we hold now if that is another one (crossed handshakes), else handshake again.
 */
export function sessionLost(cache: CacheState, peer: string, sessionId: string, peerPublicKey: string, ctx: DeliveryContext): DeliveryResult {
  const r = requeueSession(cache, peer, sessionId);
  const events: DeliveryEvent[] = [
    ...r.requeued.map((e): DeliveryEvent => ({ type: 'requeued', to: peer, id: e.id, sessionId, why: 'session_lost' })),
    ...r.gaveUp.map((e): DeliveryEvent => ({ type: 'gave_up', to: peer, id: e.id, text: textOf(e), sessionId, requeues: e.requeues ?? 0 })),
  ];
  const h = r.cache.sessions[peer] ? sessionReady(r.cache, peer, ctx) : maybeHello(r.cache, peer, peerPublicKey, ctx, 'session_lost');
  return { cache: h.cache, events: [...events, ...h.events], outbound: h.outbound };
}

/**
 * A stream's periodic step: expire what passed its TTL (reported with its text), send what
 * waits for peers that have a session, and retry stale handshakes for peers that have none.
 */
export function tick(cache: CacheState, ctx: DeliveryContext): DeliveryResult & { changed: boolean } {
  const x = expire(cache, ctx.now);
  const stale = reclaimStale(x.cache, ctx.now);
  let c = stale.cache;
  const events: DeliveryEvent[] = [
    ...x.expired.map((e): DeliveryEvent => ({ type: 'expired', to: e.peer, id: e.id, text: textOf(e), state: e.state })),
    ...stale.reclaimed.map((e): DeliveryEvent => ({ type: 'requeued', to: e.peer, id: e.id, sessionId: e.sessionId ?? '', why: 'unanswered' })),
  ];
  const outbound: DeliveryResult['outbound'] = [];
  const peers = [...new Set(c.outbox.filter((e) => e.state === 'queued').map((e) => e.peer))];
  let hellos = 0;
  for (const peer of peers) {
    // The key from a handshake under way, else the one the message was sent to (a HELLO that
    // never got out, or an own messenger that was down, leaves no handshake record).
    const key = c.pending[peer]?.peerPublicKey ?? c.outbox.find((e) => e.peer === peer && e.peerPublicKey)?.peerPublicKey ?? '';
    const step = c.sessions[peer] ? sessionReady(c, peer, ctx) : hellos++ < 1 ? maybeHello(c, peer, key, ctx, 'retry') : null;
    if (!step) continue;
    c = step.cache;
    events.push(...step.events);
    outbound.push(...step.outbound);
  }
  return { cache: c, events, outbound, changed: c !== cache };
}

/** The outbox's part (core/delivery.ts): confirm, requeue and handshake again, or send what waits. */
export function afterInbound(
  r: InboundResult,
  ctx: Omit<DeliveryContext, 'freshKey'> & { freshKey?: () => Uint8Array },
  what: { ready?: string | undefined; lost?: { peer: string; sessionId: string; peerPublicKey: string } | undefined; confirmed?: { peer: string; sessionId: string } | undefined },
): InboundResult {
  const d = { self: ctx.self, ownMessengerUrl: ctx.ownMessengerUrl, now: ctx.now, ...(ctx.freshKey ? { freshKey: ctx.freshKey } : {}) };
  let { cache, changed } = r;
  if (what.confirmed) {
    const c = confirmSession(cache, what.confirmed.peer, what.confirmed.sessionId);
    cache = c.cache;
    for (const e of c.delivered) r.events.push({ type: 'delivered', to: e.peer, id: e.id, sessionId: what.confirmed.sessionId });
  }
  const steps = [
    what.lost ? () => sessionLost(cache, what.lost!.peer, what.lost!.sessionId, what.lost!.peerPublicKey, d) : null,
    what.ready ? () => sessionReady(cache, what.ready!, d) : null,
  ];
  for (const step of steps) {
    if (!step) continue;
    const s = step();
    cache = s.cache;
    r.events.push(...s.events);
    r.outbound.push(...s.outbound);
  }
  return { ...r, cache, changed: changed || cache !== r.cache };
}
