/**
 * Session-server settings from the environment (nexus spec §2.10). Pure: env in, settings out.
 */
import { type TrustProxy } from '../../http/client-address.js';
import { type ConnectionLimits } from '../../http/limits.js';
export interface NexusConfig {
    host: string;
    port: number;
    publicBaseUrl: string | null;
    /** null: keep everything in memory only. */
    dataDir: string | null;
    /** Set: sessions, messages, codes, limits and wakes live in this Redis (DATA_DIR is not used). */
    redisUrl: string | null;
    redisPrefix: string;
    defaultTtl: number;
    maxTtl: number;
    defaultMaxAgents: number;
    maxAgents: number;
    pairTtl: number;
    slideOnPoll: boolean;
    strictSessionKey: boolean;
    rateLimitMax: number;
    rateLimitWindowMs: number;
    pairFailLimit: number;
    trustProxy: TrustProxy;
    /** Connection caps and timeouts (http/limits.ts). */
    limits: ConnectionLimits;
    maxMessageChars: number;
    maxMessagesPerSession: number;
    maxCodesPerSession: number;
    /** Byte budgets (budgets.ts, store/message-log.ts). */
    maxGreetingChars: number;
    maxJsonNodes: number;
    maxSessionMessageBytes: number;
    maxMessageBytesTotal: number;
    maxPollBytes: number;
    storagePerIp: number;
    storageTotal: number;
    /** Parked polls and event streams per session / per client address (waiters.ts). */
    maxWaitersPerSession: number;
    maxWaitersPerIp: number;
    /** How often an idle event stream gets a keepalive comment (and slides the TTL). */
    sseKeepaliveMs: number;
}
export declare const NEXUS_ENV: readonly [readonly ["PORT", "3000", "port to listen on (`--port` wins)"], readonly ["PUBLIC_BASE_URL", "(from the Host header)", "base URL used in pairing links and pages"], readonly ["DATA_DIR", "<state dir>/nexus-server", "where sessions and messages are kept on disk; `none` = memory only"], readonly ["REDIS_URL", "(unset)", "e.g. `redis://127.0.0.1:6379/2`: keep everything in this Redis (database index honoured) so several instances serve the same sessions; DATA_DIR is then unused"], readonly ["REDIS_PREFIX", "nexus:", "put before every Redis key and channel, so deployments can share one Redis"], readonly ["DEFAULT_TTL", "3660", "session inactivity TTL in seconds when create gives none"], readonly ["MAX_TTL_SECONDS", "86400", "largest TTL a client may ask for"], readonly ["DEFAULT_MAX_AGENTS", "2", "session capacity when create gives none"], readonly ["MAX_AGENTS", "50", "largest capacity a client may ask for"], readonly ["PAIR_CODE_TTL", "600", "seconds a pairing code stays valid"], readonly ["SLIDE_ON_POLL", "true", "whether a poll also resets the inactivity TTL"], readonly ["STRICT_SESSION_KEY", "true", "a wrong X-Session-Key on send is 403 (false: message marked unverified)"], readonly ["RATE_LIMIT_MAX", "100", "requests per window per client IP"], readonly ["RATE_LIMIT_WINDOW_MS", "60000", "rate-limit window"], readonly ["PAIR_FAIL_LIMIT", "10", "failed pairing-code lookups per window per IP before 429"], readonly ["TRUST_PROXY", "0", "N: N proxies in front, the client is the Nth X-Forwarded-For entry from the right (scheme from X-Forwarded-Proto); or a list of proxy addresses/CIDRs"], readonly ["MAX_CONNECTIONS", "10000", "open connections in total; 0 = no cap (keep it below `ulimit -n`)"], readonly ["MAX_CONNECTIONS_PER_IP", "64", "open connections per socket peer address; 0 = no cap (trusted proxies are exempt)"], readonly ["HEADERS_TIMEOUT_MS", "10000", "a request whose headers take longer is answered 408 and closed"], readonly ["REQUEST_TIMEOUT_MS", "30000", "a request (headers and body) that takes longer to arrive is answered 408 and closed"], readonly ["MAX_MESSAGE_CHARS", "16000", "longest message text"], readonly ["MAX_MESSAGES_PER_SESSION", "1000", "messages kept per session (the greeting is always kept)"], readonly ["MAX_SESSION_MESSAGE_BYTES", "2097152", "bytes of messages kept per session; the oldest go first"], readonly ["MAX_MESSAGE_BYTES_TOTAL", "268435456", "bytes of messages kept for all sessions; the oldest go first"], readonly ["MAX_POLL_BYTES", "1048576", "bytes of messages per poll answer (at least one message); `hasMore` says when more wait"], readonly ["MAX_JSON_NODES", "1000", "values (objects, arrays, scalars) in a message's `json` payload"], readonly ["MAX_GREETING_CHARS", "2000", "longest greeting (it is stored with the session, and shown on the pairing page)"], readonly ["SESSION_STORAGE_PER_IP", "16777216", "bytes of session metadata (greetings included) live sessions created from one address may hold"], readonly ["SESSION_STORAGE_TOTAL", "1073741824", "bytes of session metadata all live sessions may hold"], readonly ["MAX_STREAMS_PER_IP", "32", "open event streams per client address; 0 = no cap"], readonly ["MAX_WAITERS_PER_SESSION", "16", "parked polls (`wait=`) and event streams open on one session (429 beyond)"], readonly ["MAX_WAITERS_PER_IP", "32", "parked polls and event streams open from one client address (429 beyond)"], readonly ["SSE_KEEPALIVE_MS", "20000", "keepalive comment interval of an idle event stream (each one also counts as activity)"]];
export declare function nexusConfig(env: Record<string, string | undefined>, defaults: {
    dataDir: string | null;
    host?: string;
    port?: number;
}): NexusConfig;
