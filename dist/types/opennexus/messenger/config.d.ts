/**
 * Messenger settings from the environment (spec §5), with our additions. Parsing is pure:
 * it takes the env object and returns settings or a list of problems.
 */
export interface MessengerConfig {
    host: string;
    port: number;
    rateLimit: number;
    rateBurst: number;
    trustProxy: boolean;
    publicStatsDebug: boolean;
    keepaliveMs: number;
    offlineMax: number;
    offlineTtlMs: number;
    offlineMaxTotal: number;
}
export declare const MESSENGER_ENV: readonly [readonly ["PORT", "8080", "port to listen on (`--port` wins)"], readonly ["RATE_LIMIT", "100", "requests per second per client IP; <= 0 disables"], readonly ["RATE_BURST", "200", "token bucket size per client IP"], readonly ["TRUST_PROXY", "0", "1: take the client IP from X-Forwarded-For / X-Real-IP"], readonly ["PUBLIC_STATS_DEBUG", "0", "1: add local_agents / redis_agents to /v1/stats/public"], readonly ["OFFLINE_QUEUE_MAX", "100", "messages kept per agent with no open stream; 0 disables the queue"], readonly ["OFFLINE_QUEUE_TTL", "86400", "seconds a queued message is kept"], readonly ["OFFLINE_QUEUE_TOTAL", "100000", "messages kept for all agents together"]];
export declare function messengerConfig(env: Record<string, string | undefined>, flags?: {
    host?: string;
    port?: number;
}): MessengerConfig;
