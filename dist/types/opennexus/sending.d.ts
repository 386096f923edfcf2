import { type Link } from './link.js';
export interface SendOptions {
    /** The peer's public key, or the agent id of a peer the session cache knows. */
    peerPublicKey: string;
    /** The peer's messenger; optional when the cache knows it. */
    peerMessengerUrl?: string;
    message: string | Uint8Array;
    /** Always handshake, ignoring a cached session (`--no-cache`). */
    noCache?: boolean;
    signal?: AbortSignal;
}
export interface SendResult {
    /** The outbox id of this message. */
    id: string;
    /** sent: accepted by the peer's messenger. queued: kept until the peer answers the handshake. */
    status: 'sent' | 'queued';
    peerId: string;
    sessionId?: string;
    counter?: string;
    /** A new handshake was made for this message. */
    handshake: boolean;
    /** Why a message is `queued`: no answer to the handshake yet, or a messenger that could not be reached. */
    reason?: string;
    /** Older queued messages the peer's messenger refused for good during this send: they left the outbox. */
    refused?: Array<{
        id: string;
        to: string;
        text: string;
        error: string;
    }>;
    /** Kept for callers of the earlier API: a resend now happens later, from the outbox. */
    redelivered: false;
}
export interface SendTiming {
    /** How long to wait for the HELLO_ACK before queueing (opennexus spec §4.2: 30 s). */
    helloAckTimeoutMs: number;
    /** How long a message is kept in the outbox. */
    ttlMs: number;
}
export declare function send(link: Link, opts: SendOptions, timing: SendTiming): Promise<SendResult>;
