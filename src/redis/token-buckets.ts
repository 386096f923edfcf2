/**
 * The messenger's per-address token bucket (opennexus spec §5: RATE_LIMIT tokens/s up to
 * RATE_BURST, starting full, one per request) kept in Redis, so every instance takes from the
 * same bucket (issue 19, item 6: before, N instances allowed N times the rate). Exact: one
 * script per request; bench/messenger-limits.ts measures what that costs. When Redis does not
 * answer, the instance falls back to its own bucket (http/rate-limit.ts) rather than refuse
 * every request or let them all through: the per-instance limit of before.
 */
import { TokenBuckets, type RequestBuckets } from '../http/rate-limit.ts';
import type { RedisConn } from './connection.ts';

/**
 * KEYS 1 the bucket; ARGV 1 now (ms), 2 rate per s, 3 burst. Returns 1 (a token taken) or 0.
 * Instances' clocks may differ a little: a `now` behind the bucket's refills nothing.
 * An idle bucket is full after burst/rate seconds, which is when its key expires.
 */
const TAKE = `
local now, rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens, at = tonumber(v[1]), tonumber(v[2])
if not tokens then tokens, at = burst, now end
if now > at then
  tokens = math.min(burst, tokens + (now - at) / 1000 * rate)
  at = now
end
local ok = 0
if tokens >= 1 then tokens = tokens - 1; ok = 1 end
redis.call('HSET', KEYS[1], 't', string.format('%.6f', tokens), 'at', string.format('%.0f', at))
redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.ceil(burst / rate * 1000) + 1000))
return ok
`;

export class RedisTokenBuckets implements RequestBuckets {
  private readonly local: TokenBuckets;

  constructor(
    private readonly redis: RedisConn,
    private readonly opts: { rate: number; burst: number; now: () => number; name?: string },
  ) {
    this.local = new TokenBuckets(opts);
  }

  async take(key: string): Promise<boolean> {
    const { rate, burst, now } = this.opts;
    if (rate <= 0) return true; // opennexus spec §5: RATE_LIMIT <= 0 disables
    if (!this.redis.ready) return this.local.take(key);
    try {
      return (await this.redis.script<number>(TAKE, [this.redis.key('tb', this.opts.name ?? 'msgr', key)], [now(), rate, burst])) === 1;
    } catch {
      return this.local.take(key);
    }
  }
}
