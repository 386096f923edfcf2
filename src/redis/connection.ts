/**
 * One Redis backend for both servers (issue: scale-out on Redis): a command connection and,
 * on demand, a second connection for subscriptions (a subscribed connection can run nothing
 * else). The official client (@redis/client, node-redis) is loaded only here and only when
 * REDIS_URL is set (driver.ts), so the CLIs never load it.
 *
 * Outage policy: commands are never queued while Redis is away (disableOfflineQueue) and each
 * has a deadline, so a request fails fast with RedisUnavailable (503 with a JSON error) instead
 * of hanging; the client reconnects by itself with capped backoff, and `ready` says how it is
 * (/health). Errors are reported through `log`, never thrown at the process.
 */
import { sha1Hex } from '../opennexus/core/crypto.ts';
import { loadRedisDriver, type RedisClient } from './driver.ts';
import { RedisUnavailable } from './errors.ts';

export { RedisUnavailable } from './errors.ts';

export interface RedisOptions {
  url: string;
  /** Put before every key and channel, so several deployments (or tests) share one Redis. */
  prefix?: string;
  /** Deadline of one command, ms. */
  commandTimeoutMs?: number;
  log?: (line: string) => void;
}

export const DEFAULT_PREFIX = 'nexus:';
const START_TIMEOUT_MS = 3_000;

/** Reconnect after 50 ms, doubling to 2 s: a restarted Redis is found again within 2 s. */
const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** Math.min(retries, 6), 2_000);

export class RedisConn {
  private sub: RedisClient | null = null;
  private readonly shas = new Map<string, string>();
  private lastError = '';
  private closed = false;

  private constructor(
    private readonly cmd: RedisClient,
    private readonly opts: RedisOptions,
    readonly prefix: string,
  ) {}

  /** Connects; rejects with RedisUnavailable when Redis cannot be reached at start. */
  static async open(opts: RedisOptions): Promise<RedisConn> {
    const { createClient } = await loadRedisDriver();
    const client = createClient({
      url: opts.url,
      disableOfflineQueue: true,
      commandsQueueMaxLength: 10_000,
      commandOptions: { timeout: opts.commandTimeoutMs ?? 2_000 },
      socket: { connectTimeout: 2_000, reconnectStrategy },
    }) as RedisClient;
    const conn = new RedisConn(client, opts, opts.prefix ?? DEFAULT_PREFIX);
    conn.watch(client, 'commands');
    // The first connection gets a deadline: the client would otherwise retry for ever.
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connect(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS))),
      ]);
    } catch (e) {
      conn.closed = true;
      client.destroy();
      throw new RedisUnavailable(`cannot connect to Redis at ${redact(opts.url)}: ${conn.lastError || (e as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    return conn;
  }

  private watch(client: RedisClient, role: string): void {
    client.on('error', (e: Error) => {
      const msg = e.message || String(e);
      if (msg === this.lastError || this.closed) return;
      this.lastError = msg;
      this.opts.log?.(`redis (${role}): ${msg}`);
    });
    client.on('ready', () => {
      if (this.lastError) this.opts.log?.(`redis (${role}): connected again`);
      this.lastError = '';
    });
  }

  /** Whether commands can run now (the /health of both servers). */
  get ready(): boolean {
    return this.cmd.isReady;
  }

  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  /** Runs one command through the client; a lost or slow connection becomes RedisUnavailable. */
  async call<T>(fn: (c: RedisClient) => Promise<T>): Promise<T> {
    try {
      return await fn(this.cmd);
    } catch (e) {
      throw asUnavailable(e);
    }
  }

  /** Runs a Lua script by its SHA-1, loading it on first use or after a Redis restart. */
  async script<T = unknown>(lua: string, keys: string[], args: (string | number)[]): Promise<T> {
    let sha = this.shas.get(lua);
    if (!sha) this.shas.set(lua, (sha = sha1Hex(lua)));
    const argv = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return (await this.cmd.sendCommand(['EVALSHA', sha, ...argv])) as T;
    } catch (e) {
      if (!/NOSCRIPT/.test((e as Error).message ?? '')) throw asUnavailable(e);
    }
    return this.call((c) => c.sendCommand(['EVAL', lua, ...argv]) as Promise<T>);
  }

  /**
   * Subscribes to one channel (prefixed) on the subscription connection; the client
   * re-subscribes by itself after a reconnect. `onReconnect` runs each time it does, so a
   * caller can re-read what it may have missed (a wake is a hint, the store is the truth).
   */
  async subscribe(channel: string, onMessage: (message: string) => void, onReconnect?: () => void): Promise<void> {
    if (!this.sub) {
      this.sub = this.cmd.duplicate({ commandOptions: {} }) as RedisClient;
      this.watch(this.sub, 'subscriptions');
      await this.sub.connect().catch((e: Error) => {
        throw new RedisUnavailable(`cannot open the Redis subscription connection: ${e.message}`);
      });
    }
    if (onReconnect) {
      // The client emits 'ready' inside connect(), before it resolves: once it is ready, every
      // later 'ready' is a reconnect (a plain `first` flag here swallowed the first one).
      let armed = this.sub.isReady;
      this.sub.on('ready', () => (armed ? onReconnect() : (armed = true)));
    }
    await this.sub.subscribe(this.prefix + channel, (message: string) => onMessage(message));
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.call((c) => c.publish(this.prefix + channel, message));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.cmd, this.sub].map((c) => (c?.isOpen ? c.close().catch(() => c.destroy()) : undefined)));
  }
}

/** Errors from Redis itself (a script's bug, wrong type) stay errors; lost connections become 503s. */
function asUnavailable(e: unknown): Error {
  if (e instanceof RedisUnavailable) return e;
  // A reply error (SimpleError, BlobError, ... all extend ErrorReply): Redis answered, with an error.
  for (let p = e && typeof e === 'object' ? Object.getPrototypeOf(e) : null; p; p = Object.getPrototypeOf(p)) {
    if (p.constructor?.name === 'ErrorReply') return e as Error;
  }
  return new RedisUnavailable(`Redis is unavailable: ${(e as Error)?.message ?? String(e)}`);
}

/** The URL without its password, for logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid REDIS_URL)';
  }
}
