/**
 * The messenger's per-address token bucket (opennexus spec §5: RATE_LIMIT tokens/s up to
 * RATE_BURST, starting full, one per request) kept in Redis, so every instance takes from the
 * same bucket (issue 19, item 6: before, N instances allowed N times the rate). Exact: one
 * script per request; bench/messenger-limits.ts measures what that costs. When Redis does not
 * answer, the instance falls back to its own bucket (http/rate-limit.ts) rather than refuse
 * every request or let them all through: the per-instance limit of before.
 */
import { type RequestBuckets } from '../http/rate-limit.js';
import type { RedisConn } from './connection.js';
export declare class RedisTokenBuckets implements RequestBuckets {
    private readonly redis;
    private readonly opts;
    private readonly local;
    constructor(redis: RedisConn, opts: {
        rate: number;
        burst: number;
        now: () => number;
        name?: string;
    });
    take(key: string): Promise<boolean>;
}
