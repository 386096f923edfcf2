/**
 * Messenger settings from the environment (opennexus spec §5), with our additions. Parsing is pure:
 * it takes the env object and returns settings or a list of problems.
 */
import { type TrustProxy } from '../../http/client-address.js';
import { type ConnectionLimits } from '../../http/limits.js';
import type { OfflineQueueLimits } from '../../store/offline-queue.js';
export interface MessengerConfig {
    host: string;
    port: number;
    rateLimit: number;
    rateBurst: number;
    trustProxy: TrustProxy;
    /** Connection caps and timeouts (http/limits.ts). */
    limits: ConnectionLimits;
    publicStatsDebug: boolean;
    keepaliveMs: number;
    offlineMax: number;
    offlineTtlMs: number;
    offlineMaxTotal: number;
    /** Bytes kept per agent / for all agents (frames as stored, after escaping). */
    offlineMaxBytes: number;
    offlineMaxTotalBytes: number;
    /** How long a delivered message is replayed to each new draining stream of its agent. */
    drainGraceMs: number;
    /** Unsent bytes one stream may hold before it is closed (subscriber.ts). */
    streamBufferBytes: number;
    /** Shared backend for several instances (src/redis/); null: everything in this process. */
    redisUrl: string | null;
    /** Put before every Redis key and channel. */
    redisPrefix: string;
}
export declare const MESSENGER_ENV: readonly [readonly ["PORT", "8080", "port to listen on (`--port` wins)"], readonly ["RATE_LIMIT", "100", "requests per second per client IP; <= 0 disables"], readonly ["RATE_BURST", "200", "token bucket size per client IP"], readonly ["TRUST_PROXY", "0", "N: N proxies in front, the client is the Nth X-Forwarded-For entry from the right; or a list of proxy addresses/CIDRs"], readonly ["MAX_CONNECTIONS", "10000", "open connections in total; 0 = no cap (keep it below `ulimit -n`)"], readonly ["MAX_CONNECTIONS_PER_IP", "64", "open connections per socket peer address; 0 = no cap (trusted proxies are exempt)"], readonly ["HEADERS_TIMEOUT_MS", "10000", "a request whose headers take longer is answered 408 and closed"], readonly ["REQUEST_TIMEOUT_MS", "30000", "a request (headers and body) that takes longer to arrive is answered 408 and closed"], readonly ["MAX_STREAMS_PER_IP", "32", "open event streams per client address; 0 = no cap"], readonly ["PUBLIC_STATS_DEBUG", "0", "1: add local_agents / redis_agents to /v1/stats/public"], readonly ["OFFLINE_QUEUE_MAX", "100", "messages kept per agent (queued and retained); the oldest go first; 0 disables the queue"], readonly ["OFFLINE_QUEUE_TTL", "86400", "seconds a message that found no open stream is kept (even once delivered)"], readonly ["OFFLINE_QUEUE_TOTAL", "100000", "messages kept for all agents together"], readonly ["OFFLINE_QUEUE_BYTES", "4194304", "bytes kept per agent, counted as stored (after escaping); the oldest go first"], readonly ["OFFLINE_QUEUE_TOTAL_BYTES", "268435456", "bytes kept for all agents; when full, retained messages go first, then a message for an agent with no open stream gets 503"], readonly ["DRAIN_GRACE", "600", "seconds a delivered message is kept and replayed to every new stream of its agent (so a stream opened by someone else cannot take it away); 0 disables"], readonly ["STREAM_BUFFER_BYTES", "1048576", "unsent bytes one event stream may hold; a stream that falls further behind is closed (it reconnects and gets what was kept)"], readonly ["REDIS_URL", "(unset)", "e.g. `redis://127.0.0.1:6379/2` (database index honoured): keep presence, the message counter and the offline queue in this Redis and fan messages out through it, so several instances serve the same agents; unset: everything in this process"], readonly ["REDIS_PREFIX", "nexus:", "put before every Redis key and channel, so deployments can share one Redis"]];
export declare function messengerConfig(env: Record<string, string | undefined>, flags?: {
    host?: string;
    port?: number;
}): MessengerConfig;
/** The offline queue's budgets, the same for the embedded and the Redis store. */
export declare function queueLimits(config: MessengerConfig): OfflineQueueLimits;
