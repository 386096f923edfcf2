/**
 * The session-storage quota (nexus/server/budgets.ts) counted in Redis, so every instance
 * charges and releases the same numbers: bytes of session metadata per creating address and
 * in all. A charge records "bytes ip" for the session (P qs); the store's delete script gives
 * it back whoever deletes the session (redis/nexus-scripts.ts release_quota), and `release`
 * here does the same for a create that was never stored.
 */
import { HttpError } from '../http/errors.ts';
import type { Quota } from '../nexus/server/budgets.ts';
import type { RedisConn } from './connection.ts';

/** 0 charged, 1 over the address's quota, 2 over the total. ARGV: P, sid, ip, bytes, perIp, max. */
const CHARGE = `
local P, sid, ip, bytes = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
if tonumber(redis.call('HGET', P .. 'quota', ip) or '0') + bytes > tonumber(ARGV[5]) then return 1 end
if tonumber(redis.call('GET', P .. 'quota:total') or '0') + bytes > tonumber(ARGV[6]) then return 2 end
redis.call('HINCRBY', P .. 'quota', ip, bytes)
redis.call('INCRBY', P .. 'quota:total', bytes)
redis.call('HSET', P .. 'qs', sid, bytes .. ' ' .. ip)
return 0
`;

/**
 * Gives back what a session was charged; a no-op when nothing was (or it was given back already).
 * Also part of the store's delete script (nexus-scripts.ts), so whoever deletes a session releases it.
 */
export const RELEASE_QUOTA_FN = `
local function release_quota(P, sid)
  local q = redis.call('HGET', P .. 'qs', sid)
  if not q then return 0 end
  local sp = string.find(q, ' ', 1, true)
  local bytes, ip = tonumber(string.sub(q, 1, sp - 1)), string.sub(q, sp + 1)
  redis.call('HDEL', P .. 'qs', sid)
  redis.call('DECRBY', P .. 'quota:total', bytes)
  if redis.call('HINCRBY', P .. 'quota', ip, -bytes) <= 0 then redis.call('HDEL', P .. 'quota', ip) end
  return 1
end
`;

const RELEASE = `${RELEASE_QUOTA_FN}
return release_quota(ARGV[1], ARGV[2])
`;

export class RedisStorageQuota implements Quota {
  readonly ready = Promise.resolve();
  private readonly P: string;

  constructor(
    private readonly redis: RedisConn,
    private readonly perIp: number,
    private readonly max: number,
  ) {
    this.P = redis.key('nx:');
  }

  async charge(ip: string, sid: string, bytes: number): Promise<void> {
    const r = await this.redis.script<number>(CHARGE, [], [this.P, sid, ip, bytes, this.perIp, this.max]);
    if (r === 1) {
      const message = `sessions created from this address already hold close to ${this.perIp} bytes; wait until some expire`;
      throw new HttpError(429, { error: 'storage_quota_exceeded', message, retryAfter: 60 }, { 'retry-after': '60' });
    }
    if (r === 2) throw new HttpError(503, { error: 'storage_full', message: 'the server holds as many sessions as it may store; try again later', retryAfter: 60 }, { 'retry-after': '60' });
  }

  /** Idempotent; the store's delete script releases too, so a lost call here costs nothing for long. */
  release(sid: string): void {
    void this.redis.script(RELEASE, [], [this.P, sid]).catch(() => {});
  }
}
