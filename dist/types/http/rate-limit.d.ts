/**
 * Per-key token buckets (the Go messenger uses golang.org/x/time/rate, opennexus spec §6): refills at
 * `rate` tokens/s up to `burst`, starts full, each request costs one token. The clock is passed
 * in so tests need no sleeps. Idle buckets are swept so memory stays bounded.
 */
export interface TokenBucketOptions {
    rate: number;
    burst: number;
    now: () => number;
    idleMs?: number;
}
/** One token per request and key; a shared backend (src/redis/token-buckets.ts) answers with a promise. */
export interface RequestBuckets {
    take(key: string): boolean | Promise<boolean>;
}
export declare class TokenBuckets implements RequestBuckets {
    private readonly opts;
    private readonly buckets;
    private lastSweep;
    constructor(opts: TokenBucketOptions);
    /** `rate <= 0` disables limiting (opennexus spec §5: RATE_LIMIT <= 0). */
    take(key: string): boolean;
    private sweep;
}
/** What a limiter says about one key: allowed or not, and when to come back. */
export interface RateDecision {
    ok: boolean;
    remaining: number;
    retryAfterSec: number;
    /** When the current window ends (ms since the epoch). */
    resetAt: number;
}
/**
 * Per-key request counting, as the session server uses it: `hit` counts a request and says
 * whether it is allowed; `peek` only looks. FixedWindows is the in-memory implementation; a
 * shared backend (several instances counting together) answers with a promise.
 */
export interface RateLimiter {
    hit(key: string): RateDecision | Promise<RateDecision>;
    peek(key: string): RateDecision | Promise<RateDecision>;
}
/** Fixed windows per key (the NexusMessaging reference: 100 requests / 60 s / IP, nexus spec §2.8). */
export declare class FixedWindows implements RateLimiter {
    private readonly opts;
    private readonly windows;
    private lastSweep;
    constructor(opts: {
        max: number;
        windowMs: number;
        now: () => number;
    });
    private get;
    hit(key: string): RateDecision;
    peek(key: string): RateDecision;
    private state;
}
