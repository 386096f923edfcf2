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

export class TokenBuckets implements RequestBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep: number;

  constructor(private readonly opts: TokenBucketOptions) {
    this.lastSweep = opts.now();
  }

  /** `rate <= 0` disables limiting (opennexus spec §5: RATE_LIMIT <= 0). */
  take(key: string): boolean {
    const { rate, burst, now } = this.opts;
    if (rate <= 0) return true;
    const t = now();
    this.sweep(t);
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: burst, at: t };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * rate);
    b.at = t;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private sweep(t: number): void {
    const idle = this.opts.idleMs ?? 180_000;
    if (t - this.lastSweep < 60_000) return;
    this.lastSweep = t;
    for (const [k, b] of this.buckets) if (t - b.at > idle) this.buckets.delete(k);
  }
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
export class FixedWindows implements RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private lastSweep = 0;

  constructor(private readonly opts: { max: number; windowMs: number; now: () => number }) {}

  private get(key: string): { start: number; count: number } {
    const t = this.opts.now();
    if (t - this.lastSweep > this.opts.windowMs) {
      this.lastSweep = t;
      for (const [k, w] of this.windows) if (t - w.start >= this.opts.windowMs) this.windows.delete(k);
    }
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.opts.windowMs) {
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  hit(key: string): RateDecision {
    const w = this.get(key);
    w.count++;
    return this.state(w);
  }

  peek(key: string): RateDecision {
    const w = this.get(key);
    return { ...this.state(w), ok: w.count < this.opts.max };
  }

  private state(w: { start: number; count: number }): RateDecision {
    const resetAt = w.start + this.opts.windowMs;
    return {
      ok: w.count <= this.opts.max,
      remaining: Math.max(0, this.opts.max - w.count),
      retryAfterSec: Math.max(1, Math.ceil((resetAt - this.opts.now()) / 1000)),
      resetAt,
    };
  }
}
