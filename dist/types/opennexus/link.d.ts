/**
 * What the sending and listening sides share: this agent's identity, its own messenger, the
 * session cache, and the two HTTP calls every message takes (opennexus spec §5: POST
 * /v1/messages with X-Agent-ID; GET /v1/messages/stream).
 */
import type { Identity } from './core/identity.js';
import type { OutboundMessage } from './core/wire.js';
import type { SessionStore } from './session-store.js';
import { type PostResult, type SseStream } from './transport.js';
export declare const trimSlash: (u: string) => string;
/**
 * A messenger URL from the caller, checked before anything is queued or saved: http(s), with
 * no control characters (the URL parser would drop some silently). It is kept as the parser
 * writes it (non-ASCII and quotes %-escaped), at most 2,048 characters: it travels in every
 * HELLO and DATA, whose body the messenger caps at 64 KiB (core/outbox.ts MAX_MESSAGE_BYTES).
 */
export declare function checkedMessengerUrl(u: string, whose: string): string;
export declare const short: (id: string) => string;
/** A server's answer in an error message: the start of it is enough. */
export declare const clip: (s: string) => string;
export declare class Link {
    readonly identity: Identity;
    readonly messengerUrl: string;
    readonly store: SessionStore;
    /** Deadline of one request, and of opening a stream (opennexus spec §3: 20 s). */
    readonly timeoutMs: number;
    readonly log: (line: string) => void;
    constructor(identity: Identity, messengerUrl: string, store: SessionStore, 
    /** Deadline of one request, and of opening a stream (opennexus spec §3: 20 s). */
    timeoutMs: number, log: (line: string) => void);
    get headers(): Record<string, string>;
    /** A POST whose failure is an answer, not an exception: status null when none came. */
    tryPost(url: string, message: OutboundMessage, signal?: AbortSignal): Promise<{
        status: number | null;
        error: string;
    }>;
    post(url: string, message: OutboundMessage, signal?: AbortSignal): Promise<PostResult>;
    /**
     * The agent's stream on its own messenger; `watch` streams do not take the offline backlog.
     * Always with a fresh proof of the agent's key (core/stream-auth.ts), which a messenger with
     * REQUIRE_STREAM_AUTH=1 demands and any other ignores.
     */
    openStream(opts?: {
        watch?: boolean;
        signal?: AbortSignal;
    }): Promise<SseStream>;
}
