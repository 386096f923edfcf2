/**
 * Per-key token buckets (the Go messenger uses golang.org/x/time/rate, spec §6): refills at
 * `rate` tokens/s up to `burst`, starts full, each request costs one token. The clock is passed
 * in so tests need no sleeps. Idle buckets are swept so memory stays bounded.
 */
export interface TokenBucketOptions {
  rate: number;
  burst: number;
  now: () => number;
  idleMs?: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep: number;

  constructor(private readonly opts: TokenBucketOptions) {
    this.lastSweep = opts.now();
  }

  /** `rate <= 0` disables limiting (spec §5: RATE_LIMIT <= 0). */
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
