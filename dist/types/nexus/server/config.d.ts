/**
 * Session-server settings from the environment (spec §2.10). Pure: env in, settings out.
 */
export interface NexusConfig {
    host: string;
    port: number;
    publicBaseUrl: string | null;
    /** null: keep everything in memory only. */
    dataDir: string | null;
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
    trustProxy: boolean;
    maxMessageChars: number;
    maxMessagesPerSession: number;
    maxCodesPerSession: number;
}
export declare const NEXUS_ENV: readonly [readonly ["PORT", "3000", "port to listen on (`--port` wins)"], readonly ["PUBLIC_BASE_URL", "(from the Host header)", "base URL used in pairing links and pages"], readonly ["DATA_DIR", "<state dir>/nexus-server", "where session metadata is kept; `none` = memory only"], readonly ["DEFAULT_TTL", "3660", "session inactivity TTL in seconds when create gives none"], readonly ["MAX_TTL_SECONDS", "86400", "largest TTL a client may ask for"], readonly ["DEFAULT_MAX_AGENTS", "2", "session capacity when create gives none"], readonly ["MAX_AGENTS", "50", "largest capacity a client may ask for"], readonly ["PAIR_CODE_TTL", "600", "seconds a pairing code stays valid"], readonly ["SLIDE_ON_POLL", "true", "whether a poll also resets the inactivity TTL"], readonly ["STRICT_SESSION_KEY", "true", "a wrong X-Session-Key on send is 403 (false: message marked unverified)"], readonly ["RATE_LIMIT_MAX", "100", "requests per window per client IP"], readonly ["RATE_LIMIT_WINDOW_MS", "60000", "rate-limit window"], readonly ["PAIR_FAIL_LIMIT", "10", "failed pairing-code lookups per window per IP before 429"], readonly ["TRUST_PROXY", "0", "1: client IP from X-Forwarded-For, scheme from X-Forwarded-Proto"], readonly ["MAX_MESSAGE_CHARS", "16000", "longest message text"], readonly ["MAX_MESSAGES_PER_SESSION", "1000", "messages kept per session (the greeting is always kept)"]];
export declare function nexusConfig(env: Record<string, string | undefined>, defaults: {
    dataDir: string | null;
    host?: string;
    port?: number;
}): NexusConfig;
