/**
 * Connection limits shared by both servers: how many sockets and event streams one address
 * may hold, how many sockets in total, and how long a client may take to send a request.
 * Node's defaults (60 s for headers, 300 s for the whole request, checked every 30 s) let one
 * address hold every file descriptor with connections that never finish a request.
 * Parsing is pure: env in, settings out.
 */
import { SettingsReader, type Env } from '../settings.ts';

export interface ConnectionLimits {
  /** Open sockets per peer address (the socket's, not X-Forwarded-For); 0 = no cap. */
  maxConnectionsPerIp: number;
  /** Open event streams per client address (after TRUST_PROXY); 0 = no cap. */
  maxStreamsPerIp: number;
  /** Open sockets in total; 0 = no cap. Keep it below the process's file-descriptor limit. */
  maxConnections: number;
  /** Time from the start of a request (or of the connection) to the end of its headers. */
  headersTimeoutMs: number;
  /** Time to receive the whole request, body included. Responses (streams) are not limited. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  maxConnectionsPerIp: 64,
  // half the socket cap, so an address at its stream cap still has sockets for its requests;
  // one host running 20 concurrent `send`s (each watching a stream for the handshake) fits
  maxStreamsPerIp: 32,
  maxConnections: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

/** Rows for the servers' env tables (README, `serve --help`). */
export const CONNECTION_ENV = [
  ['MAX_CONNECTIONS', '10000', 'open connections in total; 0 = no cap (keep it below `ulimit -n`)'],
  ['MAX_CONNECTIONS_PER_IP', '64', 'open connections per socket peer address; 0 = no cap (trusted proxies are exempt)'],
  ['HEADERS_TIMEOUT_MS', '10000', 'a request whose headers take longer is answered 408 and closed'],
  ['REQUEST_TIMEOUT_MS', '30000', 'a request (headers and body) that takes longer to arrive is answered 408 and closed'],
] as const;

export const STREAM_ENV = [['MAX_STREAMS_PER_IP', '32', 'open event streams per client address; 0 = no cap'] as const] as const;

/**
 * The limits from `env` (src/settings.ts: an invalid value is an error, never the default).
 * With a server's `reader` its problems are reported with the server's; alone it throws them.
 */
export function connectionLimits(env: Env, reader?: SettingsReader): ConnectionLimits {
  const r = reader ?? new SettingsReader(env);
  const requestTimeoutMs = r.int('REQUEST_TIMEOUT_MS', DEFAULT_LIMITS.requestTimeoutMs, 100);
  let headersTimeoutMs = r.int('HEADERS_TIMEOUT_MS', DEFAULT_LIMITS.headersTimeoutMs, 100);
  if (headersTimeoutMs > requestTimeoutMs) {
    // node:http refuses a headers timeout longer than the request timeout: a default follows
    // REQUEST_TIMEOUT_MS down, a value that was set is an error.
    if (r.raw('HEADERS_TIMEOUT_MS') !== undefined) r.invalid('HEADERS_TIMEOUT_MS', `it must be at most REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
    headersTimeoutMs = requestTimeoutMs;
  }
  const limits = {
    maxConnectionsPerIp: r.int('MAX_CONNECTIONS_PER_IP', DEFAULT_LIMITS.maxConnectionsPerIp, 0),
    maxStreamsPerIp: r.int('MAX_STREAMS_PER_IP', DEFAULT_LIMITS.maxStreamsPerIp, 0),
    maxConnections: r.int('MAX_CONNECTIONS', DEFAULT_LIMITS.maxConnections, 0),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: DEFAULT_LIMITS.keepAliveTimeoutMs,
  };
  if (!reader) r.done();
  return limits;
}

/**
 * Places for open things per key (event streams per client address): `acquire` says whether
 * one more fits and takes it, `release` gives one back. OpenCounts counts in this process; a
 * shared backend (src/redis/stream-slots.ts) counts across instances and answers with a promise.
 */
export interface Slots {
  acquire(key: string): boolean | Promise<boolean>;
  release(key: string): void;
}

/** Counts open things per key against a cap; a key at zero is forgotten, so memory is bounded. */
export class OpenCounts implements Slots {
  private readonly counts = new Map<string, number>();

  constructor(private readonly cap: number) {}

  /** Counts one more for `key` unless that would pass the cap (0 = no cap). */
  acquire(key: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (this.cap > 0 && n >= this.cap) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = this.counts.get(key) ?? 0;
    if (n <= 1) this.counts.delete(key);
    else this.counts.set(key, n - 1);
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  get keys(): number {
    return this.counts.size;
  }
}
