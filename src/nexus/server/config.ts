/**
 * Session-server settings from the environment (nexus spec §2.10). Pure: env in, settings out.
 */
import { parseTrustProxy, type TrustProxy } from '../../http/client-address.ts';
import { connectionLimits, type ConnectionLimits } from '../../http/limits.ts';

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


function num(v: string | undefined, dflt: number, min = 0): number {
  if (v === undefined || v.trim() === '') return dflt;
  const n = Number(v);
  return Number.isFinite(n) && n >= min ? n : dflt;
}

const bool = (v: string | undefined, dflt: boolean) => (v === undefined || v === '' ? dflt : !/^(0|false|no|off)$/i.test(v));

export function nexusConfig(env: Record<string, string | undefined>, defaults: { dataDir: string | null; host?: string; port?: number }): NexusConfig {
  const dataDir = env.DATA_DIR === 'none' ? null : (env.DATA_DIR || defaults.dataDir);
  const maxTtl = num(env.MAX_TTL_SECONDS, 86400, 60);
  const maxAgents = Math.max(2, Math.floor(num(env.MAX_AGENTS, 50, 2)));
  return {
    host: defaults.host ?? '127.0.0.1',
    port: defaults.port ?? Math.floor(num(env.PORT, 3000)),
    publicBaseUrl: env.PUBLIC_BASE_URL ? env.PUBLIC_BASE_URL.replace(/\/+$/, '') : null,
    dataDir,
    redisUrl: env.REDIS_URL?.trim() || null,
    redisPrefix: env.REDIS_PREFIX ?? 'nexus:',
    defaultTtl: Math.min(maxTtl, num(env.DEFAULT_TTL, 3660, 60)),
    maxTtl,
    defaultMaxAgents: Math.min(maxAgents, Math.max(2, Math.floor(num(env.DEFAULT_MAX_AGENTS, 2, 2)))),
    maxAgents,
    pairTtl: num(env.PAIR_CODE_TTL, 600, 10),
    slideOnPoll: bool(env.SLIDE_ON_POLL, true),
    strictSessionKey: bool(env.STRICT_SESSION_KEY, true),
    rateLimitMax: num(env.RATE_LIMIT_MAX, 100, 1),
    rateLimitWindowMs: num(env.RATE_LIMIT_WINDOW_MS, 60_000, 1),
    pairFailLimit: num(env.PAIR_FAIL_LIMIT, 10, 1),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    limits: connectionLimits(env),
    maxMessageChars: num(env.MAX_MESSAGE_CHARS, 16_000, 1),
    maxMessagesPerSession: Math.floor(num(env.MAX_MESSAGES_PER_SESSION, 1000, 10)),
    maxCodesPerSession: 10,
    maxGreetingChars: Math.floor(num(env.MAX_GREETING_CHARS, 2000, 1)),
    maxJsonNodes: Math.floor(num(env.MAX_JSON_NODES, 1000, 1)),
    maxSessionMessageBytes: num(env.MAX_SESSION_MESSAGE_BYTES, 2 << 20, 1024),
    maxMessageBytesTotal: num(env.MAX_MESSAGE_BYTES_TOTAL, 256 << 20, 1024),
    maxPollBytes: num(env.MAX_POLL_BYTES, 1 << 20, 1024),
    storagePerIp: num(env.SESSION_STORAGE_PER_IP, 16 << 20, 4096),
    storageTotal: num(env.SESSION_STORAGE_TOTAL, 1 << 30, 4096),
    maxWaitersPerSession: Math.floor(num(env.MAX_WAITERS_PER_SESSION, 16, 1)),
    maxWaitersPerIp: Math.floor(num(env.MAX_WAITERS_PER_IP, 32, 1)),
    sseKeepaliveMs: num(env.SSE_KEEPALIVE_MS, 20_000, 10),
  };
}
