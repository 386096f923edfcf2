import { type Link } from './link.js';
export interface SendOptions {
    peerPublicKey: string;
    peerMessengerUrl: string;
    message: string | Uint8Array;
    /** Always handshake, ignoring a cached session (`--no-cache`). */
    noCache?: boolean;
    signal?: AbortSignal;
}
export interface SendResult {
    peerId: string;
    sessionId: string;
    counter: string;
    /** A new handshake was made for this message. */
    handshake: boolean;
    /** The peer had lost its session; the message was sent again under a new one. */
    redelivered: boolean;
}
export interface SendTiming {
    /** opennexus spec §4.2: 30 s. */
    helloAckTimeoutMs: number;
    /** How long to listen for a reset after a DATA over a cached session; 0 = not at all. */
    confirmMs: number;
}
export declare function send(link: Link, opts: SendOptions, timing: SendTiming): Promise<SendResult>;
