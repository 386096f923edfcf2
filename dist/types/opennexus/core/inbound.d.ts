import type { CacheState } from './cache.js';
import type { Identity } from './identity.js';
import { type DeliveryEvent } from './delivery.js';
import { type Envelope, type OutboundMessage } from './wire.js';
export { RESET_INTERVAL_MS } from './limits.js';
export type InboundEvent = 
/** `publicKey` and `messengerUrl`: what a reply needs (`send --to <from>`). */
{
    type: 'message';
    from: string;
    text: string;
    bytes: Uint8Array;
    sessionId: string;
    counter: bigint;
    publicKey: string;
    messengerUrl?: string;
    id?: string;
    createdAt?: string;
} | {
    type: 'session_established';
    peer: string;
    sessionId: string;
    initiator: 'peer' | 'self';
} | DeliveryEvent | {
    type: 'reset';
    from: string;
    reason: number;
    sessionId: string;
    dropped: boolean;
    signed: boolean;
} | {
    type: 'reset_sent';
    to: string;
    reason: number;
    sessionId: string;
} | {
    type: 'reset_suppressed';
    to: string;
    sessionId: string;
    why: 'same_session' | 'peer_limit' | 'total_limit';
} | {
    type: 'hello_ack';
    from: string;
}
/**
 * `duplicate`: a counter already accepted, e.g. a message a messenger delivered again.
 * `forgery`: DATA on the session we hold that did not authenticate; dropped, no reset.
 */
 | {
    type: 'rejected';
    from?: string;
    what: string;
    detail: string;
    duplicate?: true;
    forgery?: true;
};
export interface Outbound {
    url: string;
    message: OutboundMessage;
}
export interface InboundContext {
    self: Identity;
    ownMessengerUrl: string;
    now: number;
    /** A fresh X25519 key pair, used only if the message is a HELLO. */
    ephemeral: {
        privateKey: Uint8Array;
        publicKey: Uint8Array;
    };
    /**
     * Our messenger marked the message as a replay of one delivered before (it keeps delivered
     * messages for a while so a stolen drain cannot take them). A replay we cannot open is most
     * likely one we already had, so it gets no reset: a reset now would use up the rate limit
     * that a real new message may need.
     */
    replay?: boolean;
    /** Draws a fresh X25519 key when the outbox needs a new handshake (a session was lost). */
    freshKey?: () => Uint8Array;
}
export interface InboundResult {
    cache: CacheState;
    /** Whether `cache` differs from the input in anything worth saving (not only expired entries). */
    changed: boolean;
    events: InboundEvent[];
    outbound: Outbound[];
}
export declare function handleInbound(cache0: CacheState, env: Envelope, ctx: InboundContext): InboundResult;
export { pyBytesRepr } from './bytes.js';
