import type { CacheState } from './cache.js';
import type { Identity } from './identity.js';
import type { DataMessage } from './wire.js';
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
export declare const OUTBOX_MAX_ENTRIES = 1000;
export declare const OUTBOX_MAX_BYTES: number;
/**
 * One peer's share: a quarter of the outbox, in messages and in bytes. Messages to a peer that
 * answers leave within a round trip, so only peers that are silent (or read and never write
 * back) fill a share; with a fixed quarter, one of them can never refuse a send to anyone else
 * (it takes four at their cap), and a share still holds 250 short messages or 44 of the
 * largest, ample for a peer that is offline for a day. A fixed share rather than one of what
 * is free keeps the rule predictable: a send depends on its own peer's queue and the total.
 * (DESIGN: "a bound is not enough: share it per client".)
 */
export declare const OUTBOX_PEER_MAX_ENTRIES: number;
export declare const OUTBOX_PEER_MAX_BYTES: number;
/**
 * The largest message: its DATA body must fit the messenger's 64 KiB body limit (opennexus
 * spec §5, http.MaxBytesReader(65536)). 46 KiB of text is 62,828 base64 characters of
 * ciphertext, which leaves ~2.7 KB for the envelope (ids, counter, a messenger URL).
 */
export declare const MAX_MESSAGE_BYTES: number;
/**
 * Longer than any POST may take (OPENNEXUS_HTTP_TIMEOUT is at most 600 s): a message still
 * `posting` after this was sealed by a process that died before the POST answered.
 */
export declare const POSTING_STALE_MS: number;
/** What a POST of a sealed message came to; `unknown`: no answer came, so it may have been accepted. */
export type PostVerdict = 'ok' | 'retry' | 'unknown' | 'refused';
/** A messenger accepted a POST (HELLO or DATA): any 2xx (the reference answers 200; a proxy may say 202 or 204). */
export declare const accepted: (status: number | null) => boolean;
/**
 * The messenger's answer to a DATA POST, or null when none came (network, deadline). 400 and
 * 413 say this body will never be accepted (opennexus spec §6: invalid request, body too
 * large); anything else may pass later (429, 503, a proxy's 502, a wrong URL fixed).
 */
export declare const postVerdict: (status: number | null) => PostVerdict;
export declare function outboxBytes(entries: OutboxEntry[]): number;
/** The message's text, as reported when it leaves the outbox undelivered or is listed. */
export declare const textOf: (e: OutboxEntry) => string;
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
export declare function enqueue(cache: CacheState, e: Omit<OutboxEntry, 'state' | 'redelivered'>): {
    ok: true;
    cache: CacheState;
} | OutboxFull;
export interface Flushed {
    entry: OutboxEntry;
    data: DataMessage;
}
/**
 * Seals every queued message for `peer`, oldest first, if a session exists. The caller must
 * save the cache before posting (a sealed counter is spent either way), then record what each
 * POST came to with afterPosts.
 */
export declare function flushPeer(cache: CacheState, self: Identity, peerId: Uint8Array, ownUrl: string, now: number): {
    cache: CacheState;
    flushed: Flushed[];
};
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
export declare function afterPosts(cache: CacheState, outcomes: PostOutcome[]): {
    cache: CacheState;
    refused: OutboxEntry[];
};
export declare const isStale: (e: OutboxEntry, now: number) => boolean;
/**
 * Sealed messages whose POST never answered (the sender was killed) go back to the queue;
 * `reclaimed` holds them as they were (with the session they were sealed on).
 */
export declare function reclaimStale(cache: CacheState, now: number): {
    cache: CacheState;
    reclaimed: OutboxEntry[];
};
/** The peer wrote to us on `sessionId`: it holds that session, so what we sent on it is delivered. */
export declare function confirmSession(cache: CacheState, peer: string, sessionId: string): {
    cache: CacheState;
    delivered: OutboxEntry[];
};
/**
 * How many times a reset may send one message out again. Every requeue is a possible duplicate
 * at the peer (it may have read the message before it said it lost the session), and a reset
 * can be provoked by a third party: a reference peer answers forged DATA with one (opennexus
 * spec §4.5), and a replayed HELLO replaces a live session (§10 B4). Counting per message, not
 * per peer and interval, bounds the duplicates in total (at most this many copies of each
 * message, whatever the rate of resets), and costs a peer that really lost its state nothing
 * unless it loses it this often within one message's TTL.
 */
export declare const MAX_REQUEUES = 3;
/**
 * The peer lost `sessionId`: what we sent on it is queued again, to go out under a new one;
 * what went out again MAX_REQUEUES times already leaves the outbox (`gaveUp`, for the caller to
 * report: it was accepted that often, so it may well have been read).
 */
export declare function requeueSession(cache: CacheState, peer: string, sessionId: string): {
    cache: CacheState;
    requeued: OutboxEntry[];
    gaveUp: OutboxEntry[];
};
/** Drops what has passed its TTL; each one is reported (queued: never delivered). */
export declare function expire(cache: CacheState, now: number): {
    cache: CacheState;
    expired: OutboxEntry[];
};
/**
 * Takes every message to `peer` out of the outbox, whatever its state (`outbox --drop`): the
 * user's way to free a silent peer's share before the TTL does. One being posted may still
 * arrive; its answer is then recorded against nothing (afterPosts ignores what is gone).
 */
export declare function dropPeer(cache: CacheState, peer: string): {
    cache: CacheState;
    dropped: OutboxEntry[];
};
export declare const queuedFor: (cache: CacheState, peer: string) => boolean;
