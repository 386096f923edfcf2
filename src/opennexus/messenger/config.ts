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

export const MESSENGER_ENV = [
  ['PORT', '8080', 'port to listen on (`--port` wins)'],
  ['RATE_LIMIT', '100', 'requests per second per client IP; <= 0 disables'],
  ['RATE_BURST', '200', 'token bucket size per client IP'],
  ['TRUST_PROXY', '0', '1: take the client IP from X-Forwarded-For / X-Real-IP'],
  ['PUBLIC_STATS_DEBUG', '0', '1: add local_agents / redis_agents to /v1/stats/public'],
  ['OFFLINE_QUEUE_MAX', '100', 'messages kept per agent with no open stream; 0 disables the queue'],
  ['OFFLINE_QUEUE_TTL', '86400', 'seconds a queued message is kept'],
  ['OFFLINE_QUEUE_TOTAL', '100000', 'messages kept for all agents together'],
] as const;

/** Go's strconv-like parsing: an unparsable value keeps the default (spec §5). */
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
    trustProxy: env.TRUST_PROXY === '1',
    publicStatsDebug: env.PUBLIC_STATS_DEBUG === '1',
    keepaliveMs: 25_000,
    offlineMax: Math.max(0, num(env.OFFLINE_QUEUE_MAX, 100, true)),
    offlineTtlMs: Math.max(0, num(env.OFFLINE_QUEUE_TTL, 86400)) * 1000,
    offlineMaxTotal: Math.max(0, num(env.OFFLINE_QUEUE_TOTAL, 100_000, true)),
  };
}
