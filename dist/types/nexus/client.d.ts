/**
 * A typed client for the NexusMessaging session API (nexus spec §2.3), over the one shared HTTP
 * client (src/http/client.ts): every request has a total deadline and a body cap, and every
 * network failure is a NetworkError. It speaks the plural paths and falls back to the singular
 * ones once when a server answers a plural path with a non-JSON 404 (an old server, nexus spec §1.3).
 */
import { type SseStream } from '../http/client.js';
export declare const DEFAULT_NEXUS_URL = "https://messaging.md";
/**
 * Sent on every request (docs/spec/nexus-e2e.md §10): this client reads end-to-end sessions, so
 * the server leaves out the notice it adds for reference clients, which cannot.
 */
export declare const E2E_CLIENT_HEADERS: {
    readonly 'x-nexus-e2e': "1";
};
/**
 * A poll answer may legitimately be large: up to 500 messages (our server's POLL_LIMIT_MAX) of
 * up to 16 000 characters each, about 8 MB of ASCII text. 16 MiB leaves room for that (and for
 * a default 100-message page even with 64 KiB json payloads) while still bounding memory; a
 * bigger page fails as too_large and `--limit` asks for a smaller one.
 */
export declare const POLL_MAX_BODY_BYTES: number;
export interface ApiResult<T = Record<string, unknown>> {
    status: number;
    ok: boolean;
    /** The JSON object the server answered, or null when it did not answer a JSON object. */
    body: T | null;
    text: string;
    /** The server marked the answer as from an end-to-end session (header X-Nexus-E2E: 1, e2e spec §10). */
    e2e?: boolean;
}
export interface NexusClientOptions {
    url?: string;
    /** Total time per request: connect, headers and the whole body. */
    timeoutMs?: number;
    /** Largest answer read, except for poll (default 1 MiB). */
    maxBodyBytes?: number;
    /** Largest poll answer read (default POLL_MAX_BODY_BYTES). */
    maxPollBodyBytes?: number;
}
interface CallOptions {
    headers?: Record<string, string>;
    body?: unknown;
    maxBodyBytes?: number;
    /** Extra time on top of the usual deadline (a long-poll's wait). */
    extraMs?: number;
    signal?: AbortSignal;
}
export interface PollQuery {
    after?: string;
    members?: boolean;
    limit?: number;
    key?: string;
    /** Seconds the server may hold the poll until a message arrives (nexus spec §2.6, 0-55). */
    wait?: number;
    /** Ends a parked poll early (a NetworkError). */
    signal?: AbortSignal;
}
export declare class NexusClient {
    readonly url: string;
    private readonly timeoutMs;
    private readonly maxBodyBytes;
    private readonly maxPollBodyBytes;
    private prefix;
    constructor(opts?: NexusClientOptions);
    /** One request; rejects with a NetworkError (bad_url, unreachable, timeout, too_large). */
    request<T = Record<string, unknown>>(method: string, path: string, opts?: CallOptions): Promise<ApiResult<T>>;
    /** Session routes: plural first, singular once if the plural route does not exist. */
    private session;
    private static agent;
    /** `e2e: true` marks an end-to-end session (its greeting, if any, is then an envelope). */
    createSession(opts?: {
        ttl?: number;
        greeting?: string;
        maxAgents?: number;
        creatorAgentId?: string;
        e2e?: boolean;
    }): Promise<ApiResult<Record<string, unknown>>>;
    status(sessionId: string): Promise<ApiResult<Record<string, unknown>>>;
    join(sessionId: string, agentId: string, key?: string): Promise<ApiResult<Record<string, unknown>>>;
    /** With an idempotency key, a retried send is posted once: the repeat gets the first answer. */
    send(sessionId: string, agentId: string, text: string, key?: string, idempotencyKey?: string, json?: unknown): Promise<ApiResult<Record<string, unknown>>>;
    poll(sessionId: string, agentId: string, opts?: PollQuery): Promise<ApiResult<Record<string, unknown>>>;
    /**
     * The session's messages as events (nexus spec §2.6): resolves once the stream is open.
     * `lastEventId` (the last cursor received) resumes after it on a reconnect.
     */
    stream(sessionId: string, agentId: string, opts?: {
        key?: string;
        after?: string;
        lastEventId?: string;
        signal?: AbortSignal;
    }): Promise<SseStream>;
    renew(sessionId: string, agentId: string, ttl?: number, key?: string): Promise<ApiResult<Record<string, unknown>>>;
    leave(sessionId: string, agentId: string, key?: string): Promise<ApiResult<Record<string, unknown>>>;
    /** The creator ends the session for everyone (DELETE on the session, with its key). */
    close(sessionId: string, agentId: string, key?: string): Promise<ApiResult<Record<string, unknown>>>;
    /** With a member's id and key the code is the owner's: anonymous code requests cannot void it. */
    pair(sessionId: string, agentId?: string, key?: string): Promise<ApiResult<Record<string, unknown>>>;
    claim(code: string, agentId: string): Promise<ApiResult<Record<string, unknown>>>;
    pairStatus(code: string): Promise<ApiResult<Record<string, unknown>>>;
}
export {};
