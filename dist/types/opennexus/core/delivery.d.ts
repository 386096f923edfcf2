import type { CacheState } from './cache.js';
import type { Identity } from './identity.js';
import type { InboundResult } from './inbound.js';
import { type OutboxEntry } from './outbox.js';
import type { OutboundMessage } from './wire.js';
/** A pending handshake younger than this is waited for, not repeated. */
export declare const HELLO_RETRY_MS = 60000;
export type DeliveryEvent = {
    type: 'outbox_sent';
    to: string;
    id: string;
    sessionId: string;
    counter: string;
    redelivered: boolean;
}
/**
 * The peer wrote on the session the message went out on, so it holds that session: the
 * outbox lets the message go. Not a receipt (the protocol has none): a messenger that lost a
 * message it had accepted (restarted without its queue, say) cannot be told from here.
 */
 | {
    type: 'delivered';
    to: string;
    id: string;
    sessionId: string;
}
/** lost: the peer said it lost the session; unanswered: the POST never reported back (the sender died). */
 | {
    type: 'requeued';
    to: string;
    id: string;
    sessionId: string;
    why: 'session_lost' | 'unanswered';
} | {
    type: 'expired';
    to: string;
    id: string;
    text: string;
    state: OutboxEntry['state'];
}
/** The peer lost the session it went out on once more than MAX_REQUEUES allows (core/outbox.ts): it left the outbox unconfirmed. */
 | {
    type: 'gave_up';
    to: string;
    id: string;
    text: string;
    sessionId: string;
    requeues: number;
}
/** The peer's messenger refused it (400/413): it never will accept it, so it left the outbox. */
 | {
    type: 'refused';
    to: string;
    id: string;
    text: string;
    error: string;
} | {
    type: 'hello_sent';
    to: string;
    reason: 'session_lost' | 'retry';
};
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
    outbound: Array<{
        url: string;
        message: OutboundMessage;
    }>;
}
/** A session with `peer` is ready: everything queued for it is sealed, oldest first. */
export declare function sessionReady(cache: CacheState, peer: string, ctx: DeliveryContext): DeliveryResult;
/**
 * The peer lost `sessionId` (it said so with a reset): requeue what went on it, and send it on
 * the session we hold now if that is another one (crossed handshakes), else handshake again.
 */
export declare function sessionLost(cache: CacheState, peer: string, sessionId: string, peerPublicKey: string, ctx: DeliveryContext): DeliveryResult;
/**
 * A stream's periodic step: expire what passed its TTL (reported with its text), send what
 * waits for peers that have a session, and retry stale handshakes for peers that have none.
 */
export declare function tick(cache: CacheState, ctx: DeliveryContext): DeliveryResult & {
    changed: boolean;
};
/** The outbox's part (core/delivery.ts): confirm, requeue and handshake again, or send what waits. */
export declare function afterInbound(r: InboundResult, ctx: Omit<DeliveryContext, 'freshKey'> & {
    freshKey?: () => Uint8Array;
}, what: {
    ready?: string | undefined;
    lost?: {
        peer: string;
        sessionId: string;
        peerPublicKey: string;
    } | undefined;
    confirmed?: {
        peer: string;
        sessionId: string;
    } | undefined;
}): InboundResult;
