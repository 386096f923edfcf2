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
export declare class TokenBuckets {
    private readonly opts;
    private readonly buckets;
    private lastSweep;
    constructor(opts: TokenBucketOptions);
    /** `rate <= 0` disables limiting (opennexus spec §5: RATE_LIMIT <= 0). */
    take(key: string): boolean;
    private sweep;
}
/**
 * Fixed windows per key (the NexusMessaging reference: 100 requests / 60 s / IP, nexus spec §2.8).
 * `hit` counts a request and says whether it is allowed; `peek` only looks.
 */
export declare class FixedWindows {
    private readonly opts;
    private readonly windows;
    private lastSweep;
    constructor(opts: {
        max: number;
        windowMs: number;
        now: () => number;
    });
    private get;
    hit(key: string): {
        ok: boolean;
        remaining: number;
        retryAfterSec: number;
        resetAt: number;
    };
    peek(key: string): {
        ok: boolean;
        remaining: number;
        retryAfterSec: number;
        resetAt: number;
    };
    private state;
}
