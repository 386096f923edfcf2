/**
 * The outbox (pure): every message an agent sends is kept until its session is known to be
 * good or its TTL passes, so nothing is lost silently when the peer is offline or loses its
 * session (opennexus spec §4.2 only sends while both sides are online; this is ours).
 *
 *   queued --(a session with the peer exists: seal, save)--> posting
 *   posting --(the peer's messenger answered 200)--> sent
 *   posting --(the POST failed on the way)--> queued again (its counter is spent)
 *   posting --(the messenger refused it: 400/413, it never will accept it)--> gone, reported
 *   posting --(no answer recorded for POSTING_STALE_MS: the sender was killed)--> queued again
 *   sent --(authenticated DATA from the peer on that session)--> gone (delivered)
 *   sent, posting --(a reset names that session)--> queued again, marked redelivered;
 *                   after MAX_REQUEUES such resets: gone, reported
 *   any --(TTL)--> gone, reported
 * Only a POST that was answered makes a message `sent`, so only such a message can be
 * confirmed by the peer's later DATA: one sealed and never posted is sent again, never
 * reported delivered (a duplicate is better than a silent loss).
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
  state: 'queued' | 'posting' | 'sent';
  /** Where it went last (states 'posting' and 'sent'). */
  sessionId?: string;
  counter?: string;
  /** When it was sealed (state 'posting'). */
  postedMs?: number;
  /** It went out again under a new session after the peer lost the first one. */
  redelivered: boolean;
  /** The peer's public key (base64), for a handshake the outbox may have to begin later. */
  peerPublicKey?: string;
  /** How many times a reset sent it out again (requeueSession); absent: none. */
  requeues?: number;
}

/** Bounds: a peer that never answers cannot make the state file grow without end. */
export const OUTBOX_MAX_ENTRIES = 1000;
export const OUTBOX_MAX_BYTES = 8 * 1024 * 1024;

/**
 * One peer's share: a quarter of the outbox, in messages and in bytes. Messages to a peer that
 * answers leave within a round trip, so only peers that are silent (or read and never write
 * back) fill a share; with a fixed quarter, one of them can never refuse a send to anyone else
 * (it takes four at their cap), and a share still holds 250 short messages or 44 of the
 * largest, ample for a peer that is offline for a day. A fixed share rather than one of what
 * is free keeps the rule predictable: a send depends on its own peer's queue and the total.
 * (DESIGN: "a bound is not enough: share it per client".)
 */
export const OUTBOX_PEER_MAX_ENTRIES = OUTBOX_MAX_ENTRIES / 4;
export const OUTBOX_PEER_MAX_BYTES = OUTBOX_MAX_BYTES / 4;

/**
 * The largest message: its DATA body must fit the messenger's 64 KiB body limit (opennexus
 * spec §5, http.MaxBytesReader(65536)). 46 KiB of text is 62,828 base64 characters of
 * ciphertext, which leaves ~2.7 KB for the envelope (ids, counter, a messenger URL).
 */
export const MAX_MESSAGE_BYTES = 46 * 1024;

/**
 * Longer than any POST may take (OPENNEXUS_HTTP_TIMEOUT is at most 600 s): a message still
 * `posting` after this was sealed by a process that died before the POST answered.
 */
export const POSTING_STALE_MS = 15 * 60_000;

/** What a POST of a sealed message came to; `unknown`: no answer came, so it may have been accepted. */
export type PostVerdict = 'ok' | 'retry' | 'unknown' | 'refused';

/** A messenger accepted a POST (HELLO or DATA): any 2xx (the reference answers 200; a proxy may say 202 or 204). */
export const accepted = (status: number | null): boolean => status !== null && status >= 200 && status < 300;

/**
 * The messenger's answer to a DATA POST, or null when none came (network, deadline). 400 and
 * 413 say this body will never be accepted (opennexus spec §6: invalid request, body too
 * large); anything else may pass later (429, 503, a proxy's 502, a wrong URL fixed).
 */
export const postVerdict = (status: number | null): PostVerdict =>
  status === null ? 'unknown' : accepted(status) ? 'ok' : status === 400 || status === 413 ? 'refused' : 'retry';

export function outboxBytes(entries: OutboxEntry[]): number {
  return entries.reduce((n, e) => n + e.bytes.length, 0);
}

/** The message's text, as reported when it leaves the outbox undelivered or is listed. */
export const textOf = (e: OutboxEntry): string => new TextDecoder().decode(e.bytes);

/**
 * Why a message was not taken: its peer's share is full (`peer`), or the whole outbox is; with
 * what waits for that peer, for the caller to say whom it waits on.
 */
export interface OutboxFull {
  ok: false;
  full: 'peer' | 'outbox';
  peer: string;
  entries: number;
  bytes: number;
}

/**
 * Adds a queued message unless its peer's share or the outbox is full (the caller reports it).
 * What has passed its TTL does not count: it is still there only until a stream's tick reports it.
 */
export function enqueue(cache: CacheState, e: Omit<OutboxEntry, 'state' | 'redelivered'>): { ok: true; cache: CacheState } | OutboxFull {
  const live = cache.outbox.filter((x) => x.expiresMs > e.createdMs);
  const peers = live.filter((x) => x.peer === e.peer);
  const mine = { peer: e.peer, entries: peers.length, bytes: outboxBytes(peers) };
  if (mine.entries >= OUTBOX_PEER_MAX_ENTRIES || mine.bytes + e.bytes.length > OUTBOX_PEER_MAX_BYTES) return { ok: false, full: 'peer', ...mine };
  if (live.length >= OUTBOX_MAX_ENTRIES || outboxBytes(live) + e.bytes.length > OUTBOX_MAX_BYTES) return { ok: false, full: 'outbox', ...mine };
  return { ok: true, cache: { ...cache, outbox: [...cache.outbox, { ...e, state: 'queued', redelivered: false }] } };
}

export interface Flushed {
  entry: OutboxEntry;
  data: DataMessage;
}

/**
 * Seals every queued message for `peer`, oldest first, if a session exists. The caller must
 * save the cache before posting (a sealed counter is spent either way), then record what each
 * POST came to with afterPosts.
 */
export function flushPeer(cache: CacheState, self: Identity, peerId: Uint8Array, ownUrl: string, now: number): { cache: CacheState; flushed: Flushed[] } {
  const peer = b64(peerId);
  let c = cache;
  const flushed: Flushed[] = [];
  const outbox = cache.outbox.map((e) => {
    // Past its TTL a message is not sent any more: the next tick reports it as expired.
    if (e.peer !== peer || e.state !== 'queued' || e.expiresMs <= now) return e;
    const s = sealFor(c, self, peerId, e.bytes, ownUrl, now);
    if (!s) return e;
    c = s.cache;
    const sealed: OutboxEntry = { ...e, state: 'posting', sessionId: s.data.session_id, counter: s.data.counter.toString(), postedMs: now };
    flushed.push({ entry: sealed, data: s.data });
    return sealed;
  });
  return { cache: { ...c, outbox }, flushed };
}

export interface PostOutcome {
  sessionId: string;
  counter: string;
  verdict: PostVerdict;
}

/**
 * Records what the POSTs of sealed messages came to: accepted -> sent; failed on the way ->
 * queued again, to be sealed anew (the counter is spent; with no answer at all it may have got
 * through, so it is marked redelivered); refused -> removed and returned, for the caller to
 * report with its text.
 */
export function afterPosts(cache: CacheState, outcomes: PostOutcome[]): { cache: CacheState; refused: OutboxEntry[] } {
  const refused: OutboxEntry[] = [];
  const verdictOf = (e: OutboxEntry) => (e.state === 'posting' ? outcomes.find((o) => o.sessionId === e.sessionId && o.counter === e.counter)?.verdict : undefined);
  const outbox: OutboxEntry[] = [];
  for (const e of cache.outbox) {
    const v = verdictOf(e);
    if (v === 'refused') refused.push(e);
    else if (v === 'ok') outbox.push({ ...withoutPosted(e), state: 'sent' });
    else if (v === 'retry') outbox.push(withoutSession({ ...e, state: 'queued' }));
    // It may have got through: sent again, it is marked as a possible duplicate.
    else if (v === 'unknown') outbox.push(withoutSession({ ...e, state: 'queued', redelivered: true }));
    else outbox.push(e);
  }
  return { cache: { ...cache, outbox }, refused };
}

export const isStale = (e: OutboxEntry, now: number) => e.state === 'posting' && now - (e.postedMs ?? 0) >= POSTING_STALE_MS;

/**
 * Sealed messages whose POST never answered (the sender was killed) go back to the queue;
 * `reclaimed` holds them as they were (with the session they were sealed on).
 */
export function reclaimStale(cache: CacheState, now: number): { cache: CacheState; reclaimed: OutboxEntry[] } {
  const reclaimed: OutboxEntry[] = [];
  const outbox = cache.outbox.map((e) => {
    if (!isStale(e, now)) return e;
    reclaimed.push(e);
    return withoutSession({ ...e, state: 'queued', redelivered: true });
  });
  return { cache: reclaimed.length ? { ...cache, outbox } : cache, reclaimed };
}

function withoutPosted(e: OutboxEntry): OutboxEntry {
  const { postedMs: _p, ...rest } = e;
  return rest;
}

function withoutSession(e: OutboxEntry): OutboxEntry {
  const { sessionId: _s, counter: _c, postedMs: _p, ...rest } = e;
  return rest;
}

/** The peer wrote to us on `sessionId`: it holds that session, so what we sent on it is delivered. */
export function confirmSession(cache: CacheState, peer: string, sessionId: string): { cache: CacheState; delivered: OutboxEntry[] } {
  const delivered = cache.outbox.filter((e) => e.peer === peer && e.state === 'sent' && e.sessionId === sessionId);
  if (!delivered.length) return { cache, delivered };
  return { cache: { ...cache, outbox: cache.outbox.filter((e) => !delivered.includes(e)) }, delivered };
}

/**
 * How many times a reset may send one message out again. Every requeue is a possible duplicate
 * at the peer (it may have read the message before it said it lost the session), and a reset
 * can be provoked by a third party: a reference peer answers forged DATA with one (opennexus
 * spec §4.5), and a replayed HELLO replaces a live session (§10 B4). Counting per message, not
 * per peer and interval, bounds the duplicates in total (at most this many copies of each
 * message, whatever the rate of resets), and costs a peer that really lost its state nothing
 * unless it loses it this often within one message's TTL.
 */
export const MAX_REQUEUES = 3;

/**
 * The peer lost `sessionId`: what we sent on it is queued again, to go out under a new one;
 * what went out again MAX_REQUEUES times already leaves the outbox (`gaveUp`, for the caller to
 * report: it was accepted that often, so it may well have been read).
 */
export function requeueSession(cache: CacheState, peer: string, sessionId: string): { cache: CacheState; requeued: OutboxEntry[]; gaveUp: OutboxEntry[] } {
  const requeued: OutboxEntry[] = [];
  const gaveUp: OutboxEntry[] = [];
  const outbox: OutboxEntry[] = [];
  for (const e of cache.outbox) {
    if (e.peer !== peer || e.state === 'queued' || e.sessionId !== sessionId) outbox.push(e);
    else if ((e.requeues ?? 0) >= MAX_REQUEUES) gaveUp.push(e);
    else {
      const again = withoutSession({ ...e, state: 'queued', redelivered: true, requeues: (e.requeues ?? 0) + 1 });
      requeued.push(again);
      outbox.push(again);
    }
  }
  return { cache: requeued.length || gaveUp.length ? { ...cache, outbox } : cache, requeued, gaveUp };
}

/** Drops what has passed its TTL; each one is reported (queued: never delivered). */
export function expire(cache: CacheState, now: number): { cache: CacheState; expired: OutboxEntry[] } {
  const expired = cache.outbox.filter((e) => e.expiresMs <= now);
  if (!expired.length) return { cache, expired };
  return { cache: { ...cache, outbox: cache.outbox.filter((e) => e.expiresMs > now) }, expired };
}

/**
 * Takes every message to `peer` out of the outbox, whatever its state (`outbox --drop`): the
 * user's way to free a silent peer's share before the TTL does. One being posted may still
 * arrive; its answer is then recorded against nothing (afterPosts ignores what is gone).
 */
export function dropPeer(cache: CacheState, peer: string): { cache: CacheState; dropped: OutboxEntry[] } {
  const dropped = cache.outbox.filter((e) => e.peer === peer);
  return { cache: dropped.length ? { ...cache, outbox: cache.outbox.filter((e) => e.peer !== peer) } : cache, dropped };
}

export const queuedFor = (cache: CacheState, peer: string) => cache.outbox.some((e) => e.peer === peer && e.state === 'queued');
