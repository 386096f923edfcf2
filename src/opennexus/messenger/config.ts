/**
 * Messenger settings from the environment (opennexus spec §5), with our additions. Parsing is pure:
 * it takes the env object and returns settings or a list of problems.
 */
import { parseTrustProxy, type TrustProxy } from '../../http/client-address.ts';
import { CONNECTION_ENV, STREAM_ENV, connectionLimits, type ConnectionLimits } from '../../http/limits.ts';
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

export const MESSENGER_ENV = [
  ['PORT', '8080', 'port to listen on (`--port` wins)'],
  ['RATE_LIMIT', '100', 'requests per second per client IP; <= 0 disables'],
  ['RATE_BURST', '200', 'token bucket size per client IP'],
  ['TRUST_PROXY', '0', 'N: N proxies in front, the client is the Nth X-Forwarded-For entry from the right; or a list of proxy addresses/CIDRs'],
  ...CONNECTION_ENV,
  ...STREAM_ENV,
  ['PUBLIC_STATS_DEBUG', '0', '1: add local_agents / redis_agents to /v1/stats/public'],
  ['OFFLINE_QUEUE_MAX', '100', 'messages kept per agent (queued and retained); the oldest go first; 0 disables the queue'],
  ['OFFLINE_QUEUE_TTL', '86400', 'seconds a message that found no open stream is kept (even once delivered)'],
  ['OFFLINE_QUEUE_TOTAL', '100000', 'messages kept for all agents together'],
  ['OFFLINE_QUEUE_BYTES', '4194304', 'bytes kept per agent, counted as stored (after escaping); the oldest go first'],
  ['OFFLINE_QUEUE_TOTAL_BYTES', '268435456', 'bytes kept for all agents; when full, retained messages go first, then a message for an agent with no open stream gets 503'],
  ['DRAIN_GRACE', '600', 'seconds a delivered message is kept and replayed to every new stream of its agent (so a stream opened by someone else cannot take it away); 0 disables'],
  ['STREAM_BUFFER_BYTES', '1048576', 'unsent bytes one event stream may hold; a stream that falls further behind is closed (it reconnects and gets what was kept)'],
  ['REDIS_URL', '(unset)', 'e.g. `redis://127.0.0.1:6379/2` (database index honoured): keep presence, the message counter and the offline queue in this Redis and fan messages out through it, so several instances serve the same agents; unset: everything in this process'],
  ['REDIS_PREFIX', 'nexus:', 'put before every Redis key and channel, so deployments can share one Redis'],
] as const;

const MiB = 1024 * 1024;
const MIN_STREAM_BUFFER = 512 * 1024;

/** Go's strconv-like parsing: an unparsable value keeps the default (opennexus spec §5). */
function num(v: string | undefined, dflt: number, integer = false): number {
  if (v === undefined || v.trim() === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) return dflt;
  return n;
}

export function messengerConfig(env: Record<string, string | undefined>, flags: { host?: string; port?: number } = {}): MessengerConfig {
  return {
    host: flags.host ?? '127.0.0.1',
    port: flags.port ?? num(env.PORT, 8080, true),
    rateLimit: num(env.RATE_LIMIT, 100),
    rateBurst: num(env.RATE_BURST, 200, true),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    limits: connectionLimits(env),
    publicStatsDebug: env.PUBLIC_STATS_DEBUG === '1',
    keepaliveMs: 25_000,
    offlineMax: Math.max(0, num(env.OFFLINE_QUEUE_MAX, 100, true)),
    offlineTtlMs: Math.max(0, num(env.OFFLINE_QUEUE_TTL, 86400)) * 1000,
    offlineMaxTotal: Math.max(0, num(env.OFFLINE_QUEUE_TOTAL, 100_000, true)),
    offlineMaxBytes: Math.max(0, num(env.OFFLINE_QUEUE_BYTES, 4 * MiB, true)),
    offlineMaxTotalBytes: Math.max(0, num(env.OFFLINE_QUEUE_TOTAL_BYTES, 256 * MiB, true)),
    drainGraceMs: Math.max(0, num(env.DRAIN_GRACE, 600)) * 1000,
    // below one maximum-size frame (64 KiB of `<` escaped six-fold) every busy stream would be closed
    streamBufferBytes: Math.max(MIN_STREAM_BUFFER, num(env.STREAM_BUFFER_BYTES, MiB, true)),
    redisUrl: env.REDIS_URL?.trim() || null,
    redisPrefix: env.REDIS_PREFIX ?? 'nexus:',
  };
}

/** The offline queue's budgets, the same for the embedded and the Redis store. */
export function queueLimits(config: MessengerConfig): OfflineQueueLimits {
  return {
    maxPerAgent: config.offlineMax,
    ttlMs: config.offlineTtlMs,
    maxTotal: config.offlineMaxTotal,
    maxBytesPerAgent: config.offlineMaxBytes,
    maxBytesTotal: config.offlineMaxTotalBytes,
    graceMs: config.drainGraceMs,
  };
}
