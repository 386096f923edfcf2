/**
 * Session-server settings from the environment (nexus spec §2.10). Pure: env in, settings out.
 */
import { parseTrustProxy, type TrustProxy } from '../../http/client-address.ts';
import { CONNECTION_ENV, STREAM_ENV, connectionLimits, type ConnectionLimits } from '../../http/limits.ts';

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

export const NEXUS_ENV = [
  ['PORT', '3000', 'port to listen on (`--port` wins)'],
  ['PUBLIC_BASE_URL', '(from the Host header)', 'base URL used in pairing links and pages'],
  ['DATA_DIR', '<state dir>/nexus-server', 'where sessions and messages are kept on disk; `none` = memory only'],
  ['REDIS_URL', '(unset)', 'e.g. `redis://127.0.0.1:6379/2`: keep everything in this Redis (database index honoured) so several instances serve the same sessions; DATA_DIR is then unused'],
  ['REDIS_PREFIX', 'nexus:', 'put before every Redis key and channel, so deployments can share one Redis'],
  ['DEFAULT_TTL', '3660', 'session inactivity TTL in seconds when create gives none'],
  ['MAX_TTL_SECONDS', '86400', 'largest TTL a client may ask for'],
  ['DEFAULT_MAX_AGENTS', '2', 'session capacity when create gives none'],
  ['MAX_AGENTS', '50', 'largest capacity a client may ask for'],
  ['PAIR_CODE_TTL', '600', 'seconds a pairing code stays valid'],
  ['SLIDE_ON_POLL', 'true', 'whether a poll also resets the inactivity TTL'],
  ['STRICT_SESSION_KEY', 'true', 'a wrong X-Session-Key on send is 403 (false: message marked unverified)'],
  ['RATE_LIMIT_MAX', '100', 'requests per window per client IP'],
  ['RATE_LIMIT_WINDOW_MS', '60000', 'rate-limit window'],
  ['PAIR_FAIL_LIMIT', '10', 'failed pairing-code lookups per window per IP before 429'],
  ['TRUST_PROXY', '0', 'N: N proxies in front, the client is the Nth X-Forwarded-For entry from the right (scheme from X-Forwarded-Proto); or a list of proxy addresses/CIDRs'],
  ...CONNECTION_ENV,
  ['MAX_MESSAGE_CHARS', '16000', 'longest message text'],
  ['MAX_MESSAGES_PER_SESSION', '1000', 'messages kept per session (the greeting is always kept)'],
  ['MAX_SESSION_MESSAGE_BYTES', '2097152', 'bytes of messages kept per session; the oldest go first'],
  ['MAX_MESSAGE_BYTES_TOTAL', '268435456', 'bytes of messages kept for all sessions; the oldest go first'],
  ['MAX_POLL_BYTES', '1048576', 'bytes of messages per poll answer (at least one message); `hasMore` says when more wait'],
  ['MAX_JSON_NODES', '1000', 'values (objects, arrays, scalars) in a message\'s `json` payload'],
  ['MAX_GREETING_CHARS', '2000', 'longest greeting (it is stored with the session, and shown on the pairing page)'],
  ['SESSION_STORAGE_PER_IP', '16777216', 'bytes of session metadata (greetings included) live sessions created from one address may hold'],
  ['SESSION_STORAGE_TOTAL', '1073741824', 'bytes of session metadata all live sessions may hold'],
  ...STREAM_ENV,
  ['MAX_WAITERS_PER_SESSION', '16', 'parked polls (`wait=`) and event streams open on one session (429 beyond)'],
  ['MAX_WAITERS_PER_IP', '32', 'parked polls and event streams open from one client address (429 beyond)'],
  ['SSE_KEEPALIVE_MS', '20000', 'keepalive comment interval of an idle event stream (each one also counts as activity)'],
] as const;

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
