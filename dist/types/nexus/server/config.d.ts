/**
 * Session-server settings from the environment (nexus spec §2.10). Pure: env in, settings out,
 * or InvalidSetting (src/settings.ts).
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
/**
 * The settings from `env` (src/settings.ts): an invalid value, or a default above its maximum
 * set on purpose, throws InvalidSetting naming every problem; the CLI exits 2 with them.
 */
export declare function nexusConfig(env: Record<string, string | undefined>, defaults: {
    dataDir: string | null;
    host?: string;
    port?: number;
}): NexusConfig;
