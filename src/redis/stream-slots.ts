/**
 * Open event streams per client address counted in Redis, so MAX_STREAMS_PER_IP holds across
 * every instance (issue 19, item 6: before, each instance counted its own). Each open stream
 * is a member of the address's sorted set, scored by when its lease ends; an instance renews
 * its streams' leases in one batch every REFRESH_MS, so the streams of an instance that dies
 * stop counting within LEASE_MS. This instance also counts its own (http/limits.ts OpenCounts):
 * a refusal it can make alone costs no round trip, and when Redis does not answer that count
 * is what holds (the cap of before, per instance), rather than refusing every stream.
 *
 * Keys: <prefix>ss:<address> zset: "<instance>:<n>" -> lease end (ms). The refresh names keys
 * from its arguments (several addresses in one script): one Redis, not a cluster, as for the
 * messenger's store (messenger-lua.ts).
 */
import { OpenCounts, type Slots } from '../http/limits.ts';
import type { RedisConn } from './connection.ts';

export const LEASE_MS = 60_000;
const REFRESH_MS = 20_000;
const BATCH = 500;

/** KEYS 1 the address's set; ARGV 1 now, 2 lease, 3 cap, 4 token. 1: taken, 0: at the cap. */
const ACQUIRE = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/**
 * ARGV 1 lease end, 2 lease, then pairs (key, token): renews the leases still held. XX: a token
 * released meanwhile (its ZREM ran first) is not brought back.
 */
const RENEW = `
local i = 3
while ARGV[i] do
  redis.call('ZADD', ARGV[i], 'XX', ARGV[1], ARGV[i + 1])
  redis.call('PEXPIRE', ARGV[i], ARGV[2])
  i = i + 2
end
return 0
`;

export class RedisStreamSlots implements Slots {
  private readonly local: OpenCounts;
  /** Address -> tokens this instance holds in Redis for it. */
  private readonly held = new Map<string, string[]>();
  private readonly pending = new Set<Promise<unknown>>();
  private next = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisConn,
    private readonly cap: number,
    private readonly opts: { now: () => number; instance: string },
  ) {
    this.local = new OpenCounts(cap);
  }

  start(): void {
    this.timer = setInterval(() => void this.renew(), REFRESH_MS);
    this.timer.unref();
  }

  async acquire(address: string): Promise<boolean> {
    if (!this.local.acquire(address)) return false;
    if (this.cap === 0) return true;
    const token = `${this.opts.instance}:${++this.next}`;
    try {
      const ok = await this.redis.script<number>(ACQUIRE, [this.key(address)], [this.opts.now(), LEASE_MS, this.cap, token]);
      if (ok !== 1) {
        this.local.release(address);
        return false;
      }
    } catch {
      return true; // Redis did not answer: this instance's own count holds
    }
    const tokens = this.held.get(address);
    if (tokens) tokens.push(token);
    else this.held.set(address, [token]);
    return true;
  }

  release(address: string): void {
    this.local.release(address);
    const tokens = this.held.get(address);
    const token = tokens?.pop();
    if (!tokens?.length) this.held.delete(address);
    if (token === undefined) return;
    // a lost release only keeps the place until its lease ends
    const p = this.redis.call((c) => c.zRem(this.key(address), token)).catch(() => {});
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Stops renewing and waits for the releases in flight (the streams were ended first). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.pending]);
  }

  private key(address: string): string {
    return this.redis.key('ss', address);
  }

  private async renew(): Promise<void> {
    const args: string[] = [];
    for (const [address, tokens] of this.held) for (const t of tokens) args.push(this.key(address), t);
    const end = String(this.opts.now() + LEASE_MS);
    for (let i = 0; i < args.length; i += 2 * BATCH) {
      await this.redis.script(RENEW, [], [end, LEASE_MS, ...args.slice(i, i + 2 * BATCH)]).catch(() => {});
    }
  }
}
