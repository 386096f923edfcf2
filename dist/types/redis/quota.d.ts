import type { Quota } from '../nexus/server/budgets.js';
import type { RedisConn } from './connection.js';
/**
 * Gives back what a session was charged; a no-op when nothing was (or it was given back already).
 * Also part of the store's delete script (nexus-scripts.ts), so whoever deletes a session releases it.
 */
export declare const RELEASE_QUOTA_FN = "\nlocal function release_quota(P, sid)\n  local q = redis.call('HGET', P .. 'qs', sid)\n  if not q then return 0 end\n  local sp = string.find(q, ' ', 1, true)\n  local bytes, ip = tonumber(string.sub(q, 1, sp - 1)), string.sub(q, sp + 1)\n  redis.call('HDEL', P .. 'qs', sid)\n  redis.call('DECRBY', P .. 'quota:total', bytes)\n  if redis.call('HINCRBY', P .. 'quota', ip, -bytes) <= 0 then redis.call('HDEL', P .. 'quota', ip) end\n  return 1\nend\n";
export declare class RedisStorageQuota implements Quota {
    private readonly redis;
    private readonly perIp;
    private readonly max;
    readonly ready: Promise<void>;
    private readonly P;
    constructor(redis: RedisConn, perIp: number, max: number);
    charge(ip: string, sid: string, bytes: number): Promise<void>;
    /** Idempotent; the store's delete script releases too, so a lost call here costs nothing for long. */
    release(sid: string): void;
}
