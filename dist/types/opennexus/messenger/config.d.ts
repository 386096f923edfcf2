/**
 * Messenger settings from the environment (opennexus spec §5), with our additions. Parsing is pure:
 * it takes the env object and returns settings, or throws InvalidSetting with every problem.
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
    /** Streams need a proof of the agent's key (X-Agent-Auth, core/stream-auth.ts); off: as the reference. */
    requireStreamAuth: boolean;
    keepaliveMs: number;
    offlineMax: number;
    offlineTtlMs: number;
    offlineMaxTotal: number;
    /** Bytes kept per agent / for all agents (frames as stored, after escaping). */
    offlineMaxBytes: number;
    offlineMaxTotalBytes: number;
    /** Bytes of waiting frames one client address may hold (src/store/sender-shares.ts); 0: no cap. */
    offlineMaxAddressBytes: number;
    /** How long a delivered message is replayed to each new draining stream of its agent. */
    drainGraceMs: number;
    /** Unsent bytes one stream may hold before it is closed (subscriber.ts). */
    streamBufferBytes: number;
    /**
     * Where the offline queue and drain retention are kept on disk (messenger-file-store.ts);
     * null: memory only. Unused with Redis, which keeps them.
     */
    dataDir: string | null;
    /** Shared backend for several instances (src/redis/); null: everything in this process. */
    redisUrl: string | null;
    /** Put before every Redis key and channel. */
    redisPrefix: string;
}
/**
 * The settings from `env` (src/settings.ts). Our decision, unlike the reference's Go-like
 * parsing (opennexus spec §5) that kept the default for an unparsable value: an invalid value
 * throws InvalidSetting naming every problem, and the CLI exits 2 with them.
 */
export declare function messengerConfig(env: Record<string, string | undefined>, flags?: {
    host?: string;
    port?: number;
    dataDir?: string | null;
}): MessengerConfig;
/** The offline queue's budgets, the same for the embedded and the Redis store. */
export declare function queueLimits(config: MessengerConfig): OfflineQueueLimits;
