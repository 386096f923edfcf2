/**
 * Connection limits shared by both servers: how many sockets and event streams one address
 * may hold, how many sockets in total, and how long a client may take to send a request.
 * Node's defaults (60 s for headers, 300 s for the whole request, checked every 30 s) let one
 * address hold every file descriptor with connections that never finish a request.
 * Parsing is pure: env in, settings out.
 */
import { SettingsReader, type Env } from '../settings.js';
export interface ConnectionLimits {
    /** Open sockets per peer address (the socket's, not X-Forwarded-For); 0 = no cap. */
    maxConnectionsPerIp: number;
    /** Open event streams per client address (after TRUST_PROXY); 0 = no cap. */
    maxStreamsPerIp: number;
    /** Open sockets in total; 0 = no cap. Keep it below the process's file-descriptor limit. */
    maxConnections: number;
    /** Time from the start of a request (or of the connection) to the end of its headers. */
    headersTimeoutMs: number;
    /** Time to receive the whole request, body included. Responses (streams) are not limited. */
    requestTimeoutMs: number;
    /** An idle keep-alive connection is closed after this long. */
    keepAliveTimeoutMs: number;
}
export declare const DEFAULT_LIMITS: ConnectionLimits;
/** Rows for the servers' env tables (README, `serve --help`). */
export declare const CONNECTION_ENV: readonly [readonly ["MAX_CONNECTIONS", "10000", "open connections in total; 0 = no cap (keep it below `ulimit -n`)"], readonly ["MAX_CONNECTIONS_PER_IP", "64", "open connections per socket peer address; 0 = no cap (trusted proxies are exempt)"], readonly ["HEADERS_TIMEOUT_MS", "10000", "a request whose headers take longer is answered 408 and closed"], readonly ["REQUEST_TIMEOUT_MS", "30000", "a request (headers and body) that takes longer to arrive is answered 408 and closed"]];
export declare const STREAM_ENV: readonly [readonly ["MAX_STREAMS_PER_IP", "32", "open event streams per client address; 0 = no cap"]];
/**
 * The limits from `env` (src/settings.ts: an invalid value is an error, never the default).
 * With a server's `reader` its problems are reported with the server's; alone it throws them.
 */
export declare function connectionLimits(env: Env, reader?: SettingsReader): ConnectionLimits;
/**
 * Places for open things per key (event streams per client address): `acquire` says whether
 * one more fits and takes it, `release` gives one back. OpenCounts counts in this process; a
 * shared backend (src/redis/stream-slots.ts) counts across instances and answers with a promise.
 */
export interface Slots {
    acquire(key: string): boolean | Promise<boolean>;
    release(key: string): void;
}
/** Counts open things per key against a cap; a key at zero is forgotten, so memory is bounded. */
export declare class OpenCounts implements Slots {
    private readonly cap;
    private readonly counts;
    constructor(cap: number);
    /** Counts one more for `key` unless that would pass the cap (0 = no cap). */
    acquire(key: string): boolean;
    release(key: string): void;
    get(key: string): number;
    get keys(): number;
}
