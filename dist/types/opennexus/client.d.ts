import { type Identity } from './core/identity.js';
import { type InboundEvent } from './core/inbound.js';
import { SessionStore } from './session-store.js';
export declare const DEFAULT_MESSENGER_URL = "https://api.opennexus.cc";
/** The client layer's one error type; `code` is stable, `message` is the reference's line where it has one. */
export declare class ClientError extends Error {
    readonly code: 'invalid_key' | 'self_session' | 'hello_failed' | 'hello_ack_timeout' | 'hello_ack_invalid' | 'derive_failed' | 'encrypt_failed' | 'data_failed' | 'network' | 'aborted';
    constructor(code: 'invalid_key' | 'self_session' | 'hello_failed' | 'hello_ack_timeout' | 'hello_ack_invalid' | 'derive_failed' | 'encrypt_failed' | 'data_failed' | 'network' | 'aborted', message: string);
}
export type ClientEvent = InboundEvent | {
    type: 'connected';
    url: string;
} | {
    type: 'connection_lost';
    error: string;
    retryInMs: number;
} | {
    type: 'send_failed';
    to: string;
    what: string;
    error: string;
}
/** A message that could not be processed (the cache stayed locked): never dropped silently. */
 | {
    type: 'not_processed';
    id?: string;
    from?: string;
    what: string;
    error: string;
};
export interface OpenNexusClientOptions {
    identityPublicKey: string;
    identityPrivateKey: string;
    /** Own messenger. Default: env MESSENGER_URL, else https://api.opennexus.cc. */
    messengerUrl?: string;
    /** Where the session cache lives. Default: the current directory, like the reference. */
    stateDir?: string;
    /** spec §4.2: 30 s, enforced by a timer. */
    helloAckTimeoutMs?: number;
    /** How long `send` listens for a reset after a DATA over a cached session; 0 = not at all. */
    confirmMs?: number;
    /** How long one wait for the session cache lock may take (stream retries 4 times). */
    lockTimeoutMs?: number;
    /** opennexus spec §3: 20 s per POST; also the deadline for opening a stream. */
    postTimeoutMs?: number;
    /** Human status lines, in the reference's words (spec §4.2). */
    log?: (line: string) => void;
}
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
export interface ReceivedMessage {
    from: string;
    text: string;
    bytes: Uint8Array;
    sessionId: string;
    counter: string;
    id?: string;
    createdAt?: string;
}
export declare class OpenNexusClient {
    readonly identity: Identity;
    readonly messengerUrl: string;
    readonly store: SessionStore;
    private readonly opts;
    private readonly log;
    constructor(opts: OpenNexusClientOptions);
    get agentId(): string;
    private get headers();
    private get timeoutMs();
    private post;
    /** A short-lived stream on our own messenger that does not take the offline backlog. */
    private openWatch;
    send(opts: SendOptions): Promise<SendResult>;
    /** Makes sure a session exists (handshaking if needed), then seals and posts one DATA. */
    private deliver;
    /** Seals under the cache lock, so the counter is persisted before the ciphertext leaves. */
    private seal;
    private handshake;
    /**
     * Listens on our own messenger until `signal` aborts: answers HELLOs, decrypts DATA, honours
     * resets, sends a presence heartbeat every 15 s, and reconnects with backoff. One bad message
     * is reported as an event and never ends the stream (spec §10 B3).
     */
    listen(onEvent: (e: ClientEvent) => void | Promise<void>, opts?: {
        signal?: AbortSignal;
    }): Promise<void>;
    /** Async-iterator form of listen(): yields decrypted messages only. */
    stream(opts?: {
        signal?: AbortSignal;
        onEvent?: (e: ClientEvent) => void;
    }): AsyncGenerator<ReceivedMessage>;
    private processLine;
    private postOutbound;
}
