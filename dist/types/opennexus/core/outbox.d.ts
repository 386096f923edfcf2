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
    state: 'queued' | 'sent';
    /** Where it went last (state 'sent'). */
    sessionId?: string;
    counter?: string;
    /** It went out again under a new session after the peer lost the first one. */
    redelivered: boolean;
}
/** Bounds: a peer that never answers cannot make the state file grow without end. */
export declare const OUTBOX_MAX_ENTRIES = 1000;
export declare const OUTBOX_MAX_BYTES: number;
export declare function outboxBytes(cache: CacheState): number;
/** Adds a queued message; false when the outbox is full (the caller reports it). */
export declare function enqueue(cache: CacheState, e: Omit<OutboxEntry, 'state' | 'redelivered'>): CacheState | null;
export interface Flushed {
    entry: OutboxEntry;
    data: DataMessage;
}
/**
 * Seals every queued message for `peer`, oldest first, if a session exists. The caller must
 * save the cache before posting (a sealed counter is spent either way).
 */
export declare function flushPeer(cache: CacheState, self: Identity, peerId: Uint8Array, ownUrl: string, now: number): {
    cache: CacheState;
    flushed: Flushed[];
};
/** The POST of (session, counter) failed: that message goes back to the queue (the counter is spent). */
export declare function unsend(cache: CacheState, sessionId: string, counter: string): CacheState | undefined;
/** The peer wrote to us on `sessionId`: it holds that session, so what we sent on it is delivered. */
export declare function confirmSession(cache: CacheState, peer: string, sessionId: string): {
    cache: CacheState;
    delivered: OutboxEntry[];
};
/** The peer lost `sessionId`: what we sent on it is queued again, to go out under a new one. */
export declare function requeueSession(cache: CacheState, peer: string, sessionId: string): {
    cache: CacheState;
    requeued: OutboxEntry[];
};
/** Drops what has passed its TTL; each one is reported (queued: never delivered). */
export declare function expire(cache: CacheState, now: number): {
    cache: CacheState;
    expired: OutboxEntry[];
};
export declare const queuedFor: (cache: CacheState, peer: string) => boolean;
