/**
 * A node:http request as the adapter hands it to a Handler (types.ts): its body read up to a
 * limit, its client address worked out once per connection (client-address.ts), and what most
 * handlers never use (the query, an abort signal) made only when asked for.
 */
import type { IncomingMessage } from '../node-types.js';
import { type TrustProxy } from './client-address.js';
import type { HttpRequest } from './types.js';
/** The body as a plain Uint8Array view (no copy), or null past the limit. */
export declare function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | null>;
/**
 * Whether the request can carry no body (RFC 9112 §6.3: without Content-Length and
 * Transfer-Encoding a request has none), so none is read: a GET or HEAD costs no listeners.
 */
export declare function bodiless(req: IncomingMessage): boolean;
export declare const EMPTY: Uint8Array<ArrayBuffer>;
/** What the request needs of its response (a ServerResponse): whether, and when, it closed. */
export interface ClosingResponse {
    readonly destroyed: boolean;
    once(event: 'close', listener: () => void): unknown;
}
/**
 * A node:http request as a HttpRequest. What most handlers never use costs nothing until they
 * ask: the query string is parsed, and the AbortController made, on first access.
 */
export declare class NodeRequest implements HttpRequest {
    readonly body: Uint8Array | null;
    private readonly res;
    readonly method: string;
    readonly path: string;
    readonly headers: Record<string, string | undefined>;
    readonly ip: string;
    private readonly search;
    private parsedQuery;
    private gone;
    constructor(req: IncomingMessage, body: Uint8Array | null, trust: TrustProxy, res: ClosingResponse);
    get query(): URLSearchParams;
    /** Aborted once the response closes: the client went away (or it was answered). */
    get signal(): AbortSignal;
}
