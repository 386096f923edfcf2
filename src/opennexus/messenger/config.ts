/**
 * Messenger settings from the environment (opennexus spec §5), with our additions. Parsing is pure:
 * it takes the env object and returns settings, or throws InvalidSetting with every problem.
 */
import { parseTrustProxy, type TrustProxy } from '../../http/client-address.ts';
import { connectionLimits, type ConnectionLimits } from '../../http/limits.ts';
import { SettingsReader } from '../../settings.ts';
import type { OfflineQueueLimits } from '../../store/offline-queue.ts';

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


const MiB = 1024 * 1024;
const MIN_STREAM_BUFFER = 512 * 1024;

/**
 * The settings from `env` (src/settings.ts). Our decision, unlike the reference's Go-like
 * parsing (opennexus spec §5) that kept the default for an unparsable value: an invalid value
 * throws InvalidSetting naming every problem, and the CLI exits 2 with them.
 */
export function messengerConfig(env: Record<string, string | undefined>, flags: { host?: string; port?: number; dataDir?: string | null } = {}): MessengerConfig {
  const r = new SettingsReader(env);
  const totalBytes = r.int('OFFLINE_QUEUE_TOTAL_BYTES', 256 * MiB, 0);
  const config: MessengerConfig = {
    // `none` keeps memory only; unset: the caller's default (the CLIs: under the state dir).
    dataDir: env.DATA_DIR === 'none' ? null : env.DATA_DIR?.trim() || (flags.dataDir ?? null),
    host: flags.host ?? '127.0.0.1',
    port: flags.port ?? r.int('PORT', 8080, 0, 65535),
    rateLimit: r.num('RATE_LIMIT', 100),
    rateBurst: r.int('RATE_BURST', 200, 1),
    trustProxy: r.parsed('TRUST_PROXY', false, parseTrustProxy),
    limits: connectionLimits(env, r),
    publicStatsDebug: r.bool('PUBLIC_STATS_DEBUG', false),
    requireStreamAuth: r.bool('REQUIRE_STREAM_AUTH', false),
    keepaliveMs: 25_000,
    offlineMax: r.int('OFFLINE_QUEUE_MAX', 100, 0),
    offlineTtlMs: r.num('OFFLINE_QUEUE_TTL', 86400, 0, undefined, 'seconds') * 1000,
    offlineMaxTotal: r.int('OFFLINE_QUEUE_TOTAL', 100_000, 0),
    offlineMaxBytes: r.int('OFFLINE_QUEUE_BYTES', 4 * MiB, 0),
    offlineMaxTotalBytes: totalBytes,
    // a sixteenth by default: sixteen addresses, not one, are needed to fill the queue
    offlineMaxAddressBytes: r.int('OFFLINE_QUEUE_ADDRESS_BYTES', Math.floor(totalBytes / 16), 0),
    drainGraceMs: r.num('DRAIN_GRACE', 600, 0, undefined, 'seconds') * 1000,
    // below one maximum-size frame (64 KiB of `<` escaped six-fold) every busy stream would be closed
    streamBufferBytes: r.int('STREAM_BUFFER_BYTES', MiB, MIN_STREAM_BUFFER),
    redisUrl: env.REDIS_URL?.trim() || null,
    redisPrefix: env.REDIS_PREFIX ?? 'nexus:',
  };
  r.done();
  return config;
}

/** The offline queue's budgets, the same for the embedded and the Redis store. */
export function queueLimits(config: MessengerConfig): OfflineQueueLimits {
  return {
    maxPerAgent: config.offlineMax,
    ttlMs: config.offlineTtlMs,
    maxTotal: config.offlineMaxTotal,
    maxBytesPerAgent: config.offlineMaxBytes,
    maxBytesTotal: config.offlineMaxTotalBytes,
    maxBytesPerSender: config.offlineMaxAddressBytes,
    graceMs: config.drainGraceMs,
  };
}
