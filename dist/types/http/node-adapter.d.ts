/**
 * Adapts a Handler to node:http: hands it each request (node-request.ts: the body up to a
 * limit, the client address), writes plain and streamed responses, maps thrown errors to
 * responses in one place, enforces the connection limits (connection-guard.ts, limits.ts), and
 * shuts down gracefully (open streams are ended, not waited for).
 */
import type { Server } from '../node-types.js';
import type { TrustProxy } from './client-address.js';
import { type ConnectionStats } from './connection-guard.js';
import { type ConnectionLimits, type Slots } from './limits.js';
import type { Handler, HttpResponse } from './types.js';
export interface ServeOptions {
    host?: string;
    port?: number;
    /** Bodies longer than this are not buffered: the request gets `body: null`. */
    bodyLimit: number;
    /** Which X-Forwarded-For hop is the client (client-address.ts); default: ignore the header. */
    trustProxy?: TrustProxy;
    /** Connection caps and timeouts; unset fields keep DEFAULT_LIMITS. */
    limits?: Partial<ConnectionLimits>;
    /** Who counts open streams per client address; default: this process, capped at limits.maxStreamsPerIp. */
    streamSlots?: Slots;
    /** Turns an unexpected exception into a response; the message is logged, never the body. */
    onError?: (err: unknown) => HttpResponse | undefined;
    log?: (line: string) => void;
}
export interface RunningServer {
    server: Server;
    url: string;
    port: number;
    /** Open sockets and refusals so far (for operators and tests). */
    connections(): ConnectionStats;
    close(): Promise<void>;
}
/**
 * Handlers may decode path segments and query values with decodeURIComponent (types.ts); a
 * request whose URL has a malformed percent-escape (`%zz`, or bytes that are not UTF-8) never
 * reaches them and is answered 400 here, not 500 from a thrown URIError.
 */
export declare function malformedUrl(raw: string): boolean;
export declare function serve(handler: Handler, opts: ServeOptions): Promise<RunningServer>;
