/**
 * Session-server settings from the environment (nexus spec §2.10). Pure: env in, settings out,
 * or InvalidSetting (src/settings.ts).
 */
import { parseTrustProxy, type TrustProxy } from '../../http/client-address.ts';
import { connectionLimits, type ConnectionLimits } from '../../http/limits.ts';
import { SettingsReader } from '../../settings.ts';
import { DEFAULT_MAX_JSON_NODES, DEFAULT_MAX_MESSAGE_CHARS } from './budgets.ts';

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
export function nexusConfig(env: Record<string, string | undefined>, defaults: { dataDir: string | null; host?: string; port?: number }): NexusConfig {
  const r = new SettingsReader(env);
  const dataDir = env.DATA_DIR === 'none' ? null : (env.DATA_DIR || defaults.dataDir);
  const maxTtl = r.int('MAX_TTL_SECONDS', 86400, 60, undefined, 'seconds');
  const maxAgents = r.int('MAX_AGENTS', 50, 2);
  // A default above a lowered maximum follows it down; one that was set must fit.
  const defaultTtl = r.raw('DEFAULT_TTL') === undefined ? Math.min(maxTtl, 3660) : r.int('DEFAULT_TTL', 3660, 60, maxTtl, 'seconds');
  const defaultMaxAgents = r.raw('DEFAULT_MAX_AGENTS') === undefined ? Math.min(maxAgents, 2) : r.int('DEFAULT_MAX_AGENTS', 2, 2, maxAgents);
  const config: NexusConfig = {
    host: defaults.host ?? '127.0.0.1',
    port: defaults.port ?? r.int('PORT', 3000, 0, 65535),
    publicBaseUrl: env.PUBLIC_BASE_URL ? env.PUBLIC_BASE_URL.replace(/\/+$/, '') : null,
    dataDir,
    redisUrl: env.REDIS_URL?.trim() || null,
    redisPrefix: env.REDIS_PREFIX ?? 'nexus:',
    defaultTtl,
    maxTtl,
    defaultMaxAgents,
    maxAgents,
    pairTtl: r.int('PAIR_CODE_TTL', 600, 10, undefined, 'seconds'),
    slideOnPoll: r.bool('SLIDE_ON_POLL', true),
    strictSessionKey: r.bool('STRICT_SESSION_KEY', true),
    rateLimitMax: r.int('RATE_LIMIT_MAX', 100, 1),
    rateLimitWindowMs: r.int('RATE_LIMIT_WINDOW_MS', 60_000, 1),
    pairFailLimit: r.int('PAIR_FAIL_LIMIT', 10, 1),
    trustProxy: r.parsed('TRUST_PROXY', false, parseTrustProxy),
    limits: connectionLimits(env, r),
    maxMessageChars: r.int('MAX_MESSAGE_CHARS', DEFAULT_MAX_MESSAGE_CHARS, 1),
    maxMessagesPerSession: r.int('MAX_MESSAGES_PER_SESSION', 1000, 10),
    maxCodesPerSession: 10,
    maxGreetingChars: r.int('MAX_GREETING_CHARS', 2000, 1),
    maxJsonNodes: r.int('MAX_JSON_NODES', DEFAULT_MAX_JSON_NODES, 1),
    maxSessionMessageBytes: r.int('MAX_SESSION_MESSAGE_BYTES', 2 << 20, 1024),
    maxMessageBytesTotal: r.int('MAX_MESSAGE_BYTES_TOTAL', 256 << 20, 1024),
    maxPollBytes: r.int('MAX_POLL_BYTES', 1 << 20, 1024),
    storagePerIp: r.int('SESSION_STORAGE_PER_IP', 16 << 20, 4096),
    storageTotal: r.int('SESSION_STORAGE_TOTAL', 1 << 30, 4096),
    maxWaitersPerSession: r.int('MAX_WAITERS_PER_SESSION', 16, 1),
    maxWaitersPerIp: r.int('MAX_WAITERS_PER_IP', 32, 1),
    sseKeepaliveMs: r.int('SSE_KEEPALIVE_MS', 20_000, 10),
  };
  r.done();
  return config;
}
