/**
 * The one outbound HTTP client, for both protocol clients, over node:http(s) (a first fetch()
 * costs ~66 ms of start-up on Node 20; DESIGN "Performance facts").
 *
 * A server is untrusted input: every request has a total deadline (connect + headers + body,
 * so a server that trickles a byte every few seconds cannot hold us), every response body is
 * read up to a byte cap, and an AbortSignal ends whatever is in flight at once.
 */
import type { IncomingMessage } from '../node-types.js';
export { NetworkError, type NetworkErrorCode } from './network-error.js';
/** 1 MiB: ten times the largest answer either protocol gives (a 500-message poll is less). */
export declare const DEFAULT_MAX_BODY_BYTES: number;
export interface RequestOptions {
    method?: string;
    headers?: Record<string, string | number>;
    body?: string;
    /** Total time for connect, headers and the whole body. */
    timeoutMs: number;
    maxBodyBytes?: number;
    signal?: AbortSignal;
}
export interface HttpResult {
    status: number;
    headers: IncomingMessage['headers'];
    body: string;
}
export declare function parseHttpUrl(url: string): URL;
/** One request, its body read whole (up to the cap) before the promise resolves. */
export declare function request(url: string, opts: RequestOptions): Promise<HttpResult>;
export type SseEvent = {
    kind: 'data';
    data: string;
} | {
    kind: 'comment';
    text: string;
};
export interface SseStream {
    status: number;
    events: AsyncIterableIterator<SseEvent>;
    close(): void;
}
export interface SseOptions {
    headers?: Record<string, string>;
    signal?: AbortSignal;
    /** Deadline for the response headers (and for reading a refusal's body). */
    connectTimeoutMs: number;
    /** A line longer than this ends the stream with an error event (spec: 64 KiB messages). */
    maxLineBytes?: number;
    /** How much of a non-200 answer is read for the error message. */
    maxErrorBytes?: number;
}
/**
 * Opens an SSE stream and resolves once the response headers arrive (the messenger registers
 * the subscriber before sending them, opennexus spec §4.2, so nothing sent after this is
 * missed). Lines are read one by one; `data: ` lines are data (opennexus spec §4.3: the space
 * is required). A non-200 answer rejects with at most `maxErrorBytes` of its body.
 */
export declare function openSse(url: string, opts: SseOptions): Promise<SseStream>;
