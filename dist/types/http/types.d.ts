/**
 * A server is a function from a plain request to a plain response (DESIGN principle 5), so
 * every route can be tested in-process; node-adapter.ts is the one place that touches node:http.
 */
export interface HttpRequest {
    method: string;
    /** Path without the query string, exactly as sent (no normalisation). */
    path: string;
    query: URLSearchParams;
    /** Lower-cased header names. */
    headers: Record<string, string | undefined>;
    /** The body, read up to the server's limit; null when the request had more than that. */
    body: Uint8Array | null;
    /** Client address as the rate limiter should see it. */
    ip: string;
}
/** Writes one chunk to an open stream; returns false when the connection is gone. */
export type StreamWrite = (chunk: string) => boolean;
export interface StreamBody {
    /** Called once the headers are sent. Returns a cleanup run when the stream ends either way. */
    open(write: StreamWrite, end: () => void): () => void;
}
export interface HttpResponse {
    status: number;
    headers?: Record<string, string>;
    body?: string | Uint8Array;
    stream?: StreamBody;
}
export type Handler = (req: HttpRequest) => Promise<HttpResponse> | HttpResponse;
/** The one HTTP error type: thrown anywhere in a route, turned into a response in one place. */
export declare class HttpError extends Error {
    readonly status: number;
    readonly body: unknown;
    readonly headers: Record<string, string>;
    constructor(status: number, body: unknown, headers?: Record<string, string>);
}
