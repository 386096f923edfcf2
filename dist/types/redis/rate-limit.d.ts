/**
 * Fixed windows per key counted in Redis (http/rate-limit.ts RateLimiter), so every instance of
 * a server counts one client's requests together (nexus spec §2.8: 100 requests / 60 s / IP;
 * the pairing-failure limit the same way). A window starts at a key's first request and ends
 * with its key's expiry, as FixedWindows does in memory.
 */
import type { RateDecision, RateLimiter } from '../http/rate-limit.js';
import type { RedisConn } from './connection.js';
export declare class RedisFixedWindows implements RateLimiter {
    private readonly redis;
    private readonly opts;
    constructor(redis: RedisConn, opts: {
        name: string;
        max: number;
        windowMs: number;
        now: () => number;
    });
    private decision;
    private key;
    hit(key: string): Promise<RateDecision>;
    peek(key: string): Promise<RateDecision>;
}
