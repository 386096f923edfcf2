/**
 * Fixed windows per key counted in Redis (http/rate-limit.ts RateLimiter), so every instance of
 * a server counts one client's requests together (nexus spec §2.8: 100 requests / 60 s / IP;
 * the pairing-failure limit the same way). A window starts at a key's first request and ends
 * with its key's expiry, as FixedWindows does in memory.
 */
import type { RateDecision, RateLimiter } from '../http/rate-limit.ts';
import type { RedisConn } from './connection.ts';

const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { n, redis.call('PTTL', KEYS[1]) }
`;

export class RedisFixedWindows implements RateLimiter {
  constructor(
    private readonly redis: RedisConn,
    private readonly opts: { name: string; max: number; windowMs: number; now: () => number },
  ) {}

  private decision(count: number, pttl: number): RateDecision {
    const left = pttl > 0 ? pttl : this.opts.windowMs;
    return {
      ok: count <= this.opts.max,
      remaining: Math.max(0, this.opts.max - count),
      retryAfterSec: Math.max(1, Math.ceil(left / 1000)),
      resetAt: this.opts.now() + left,
    };
  }

  private key(k: string): string {
    return this.redis.key('rl', this.opts.name, k);
  }

  async hit(key: string): Promise<RateDecision> {
    const [n, pttl] = await this.redis.script<[number, number]>(HIT, [this.key(key)], [this.opts.windowMs]);
    return this.decision(n, pttl);
  }

  async peek(key: string): Promise<RateDecision> {
    const k = this.key(key);
    const [n, pttl] = await this.redis.call((c) => Promise.all([c.get(k), c.pTTL(k)]));
    const d = this.decision(Number(n ?? 0), pttl);
    return { ...d, ok: Number(n ?? 0) < this.opts.max };
  }
}
