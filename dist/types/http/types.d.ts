/**
 * A server is a function from a plain request to a plain response (DESIGN principle 5), so
 * every route can be tested in-process; node-adapter.ts is the one place that touches node:http.
 */
export interface HttpRequest {
    method: string;
    /**
     * Path without the query string, exactly as sent (no normalisation). Over HTTP its
     * percent-escapes are well-formed UTF-8 (node-adapter.ts answers 400 otherwise), so
     * decodeURIComponent on it or on a segment of it does not throw.
     */
    path: string;
    query: URLSearchParams;
    /** Lower-cased header names. */
    headers: Record<string, string | undefined>;
    /** The body, read up to the server's limit; null when the request had more than that. */
    body: Uint8Array | null;
    /** Client address as the rate limiter should see it (client-address.ts: TRUST_PROXY). */
    ip: string;
    /** Aborted when the client goes away before it is answered (a parked request stops waiting). */
    signal?: AbortSignal;
}
/** Writes one chunk to an open stream; returns false when the connection is gone. */
export type StreamWrite = (chunk: string) => boolean;
/**
 * Flow control of an open stream, so a route can bound what it buffers for a client that reads
 * slowly or not at all: a write never blocks, so without it every frame would pile up in memory.
 */
export interface StreamFlow {
    /** Bytes written but not yet handed to the network (node: `res.writableLength`). */
    buffered(): number;
    /** Calls `listener` each time a full buffer has been flushed (node: the response's 'drain'). */
    onDrain(listener: () => void): void;
}
export interface StreamBody {
    /**
     * Called once the headers are sent. Returns a cleanup run when the stream ends either way.
     * `flow` is given by adapters that can tell how much is still unsent.
     */
    open(write: StreamWrite, end: () => void, flow?: StreamFlow): () => void;
}
export interface HttpResponse {
    status: number;
    headers?: Record<string, string>;
    body?: string | Uint8Array;
    stream?: StreamBody;
}
export type Handler = (req: HttpRequest) => Promise<HttpResponse> | HttpResponse;
/** The one HTTP error type lives in errors.ts, with the one wrapper that maps errors. */
export { HttpError } from './errors.js';
