/**
 * Adapts a Handler to node:http: reads the body up to a limit, resolves the client address,
 * writes plain and streamed responses, maps thrown errors to responses in one place, and shuts
 * down gracefully (open streams are ended, not waited for).
 */
import { type IncomingMessage, type Server } from 'node:http';
import { type Handler, type HttpRequest, type HttpResponse } from './types.js';
export interface ServeOptions {
    host?: string;
    port?: number;
    /** Bodies longer than this are not buffered: the request gets `body: null`. */
    bodyLimit: number;
    /** Use the leftmost X-Forwarded-For address (only behind a trusted proxy). */
    trustProxy?: boolean;
    /** Turns an unexpected exception into a response; the message is logged, never the body. */
    onError?: (err: unknown) => HttpResponse;
    log?: (line: string) => void;
}
export interface RunningServer {
    server: Server;
    url: string;
    port: number;
    close(): Promise<void>;
}
export declare function toHttpRequest(req: IncomingMessage, body: Uint8Array | null, trustProxy: boolean): HttpRequest;
export declare function errorToResponse(err: unknown, fallback?: (err: unknown) => HttpResponse): HttpResponse;
/** Runs a handler against a request, turning any thrown error into a response. */
export declare function respond(handler: Handler, req: HttpRequest, onError?: (err: unknown) => HttpResponse): Promise<HttpResponse>;
export declare function serve(handler: Handler, opts: ServeOptions): Promise<RunningServer>;
