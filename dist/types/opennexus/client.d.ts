/**
 * OpenNexusClient: the TypeScript counterpart of the reference's Python API (opennexus spec
 * §4), a thin facade. Sending is sending.ts, listening is listening.ts, every protocol
 * decision is core/'s; the session cache is a SessionStore in `stateDir`. The caller says
 * where the messenger and the state are: the library reads no environment.
 */
import { type Identity } from './core/identity.js';
import { type ClientEvent, type OnEvent } from './listening.js';
import { type SendOptions, type SendResult } from './sending.js';
import { SessionStore } from './session-store.js';
import type { Files } from '../store/files.js';
export { ClientError } from './errors.js';
export type { ClientEvent } from './listening.js';
export type { SendOptions, SendResult } from './sending.js';
export declare const DEFAULT_MESSENGER_URL = "https://api.opennexus.cc";
export interface OpenNexusClientOptions {
    identityPublicKey: string;
    identityPrivateKey: string;
    /** The same key pair, already loaded and checked (loadKeys): saves deriving it again. */
    identity?: Identity;
    /** This agent's own messenger (where its stream is and HELLO_ACKs come back). */
    messengerUrl: string;
    /** Where the session cache lives. */
    stateDir: string;
    /** opennexus spec §4.2: 30 s, enforced by a timer. */
    helloAckTimeoutMs?: number;
    /**
     * No longer used: `send` does not wait for a reset any more; the outbox keeps each message
     * until the peer answers on its session, and sends it again if the peer lost the session.
     */
    confirmMs?: number;
    /** How long a message is kept in the outbox (queued or unconfirmed); default 24 h. */
    outboxTtlMs?: number;
    /** How long one wait for the session cache lock may take (stream retries 4 times). */
    lockTimeoutMs?: number;
    /** opennexus spec §3: 20 s per POST; also the deadline for opening a stream. */
    postTimeoutMs?: number;
    /** Human status lines, in the reference's words (opennexus spec §4.2). */
    log?: (line: string) => void;
    /**
     * Who does the session cache's file work (store/files.ts). The thread pool by default;
     * `inlineFiles` only in a process that does nothing else meanwhile (a one-shot CLI command).
     */
    files?: Files;
}
export interface ReceivedMessage {
    from: string;
    /** What a reply needs: the sender's public key and messenger (`send({peerPublicKey: from})` works too). */
    publicKey: string;
    messengerUrl?: string;
    text: string;
    bytes: Uint8Array;
    sessionId: string;
    counter: string;
    id?: string;
    createdAt?: string;
}
export declare class OpenNexusClient {
    private readonly opts;
    readonly identity: Identity;
    readonly messengerUrl: string;
    readonly store: SessionStore;
    private readonly link;
    constructor(opts: OpenNexusClientOptions);
    get agentId(): string;
    send(opts: SendOptions): Promise<SendResult>;
    /** Listens until `signal` aborts, reporting every event (listening.ts). */
    listen(onEvent: OnEvent, opts?: {
        signal?: AbortSignal;
    }): Promise<void>;
    /** Async-iterator form of listen(): yields decrypted messages only. */
    stream(opts?: {
        signal?: AbortSignal;
        onEvent?: (e: ClientEvent) => void;
    }): AsyncGenerator<ReceivedMessage>;
}
