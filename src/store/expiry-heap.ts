/**
 * A binary min-heap of (time, key): the expiry order the session server sweeps in, so a sweep
 * touches only what is due instead of scanning every session and pairing code (DESIGN: nothing
 * scans all sessions). Keys may appear more than once; callers check an entry against the
 * record it names and drop stale ones.
 */
export class ExpiryHeap {
  private readonly at: number[] = [];
  private readonly keys: string[] = [];

  get size(): number {
    return this.at.length;
  }

  push(key: string, at: number): void {
    this.at.push(at);
    this.keys.push(key);
    this.up(this.at.length - 1);
  }

  /** The earliest time in the heap, or Infinity when it is empty. */
  peekAt(): number {
    return this.at.length ? this.at[0]! : Infinity;
  }

  /** The key of the earliest entry (undefined when empty). */
  peekKey(): string | undefined {
    return this.keys[0];
  }

  /** Removes the earliest entry (read it first with peekAt / peekKey: no allocation per pop). */
  pop(): void {
    const n = this.at.length;
    if (!n) return;
    const lastAt = this.at.pop()!;
    const lastKey = this.keys.pop()!;
    if (n > 1) {
      this.at[0] = lastAt;
      this.keys[0] = lastKey;
      this.down(0);
    }
  }

  private swap(i: number, j: number): void {
    const a = this.at[i]!;
    this.at[i] = this.at[j]!;
    this.at[j] = a;
    const k = this.keys[i]!;
    this.keys[i] = this.keys[j]!;
    this.keys[j] = k;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.at[parent]! <= this.at[i]!) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.at.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < n && this.at[l]! < this.at[min]!) min = l;
      if (r < n && this.at[r]! < this.at[min]!) min = r;
      if (min === i) return;
      this.swap(i, min);
      i = min;
    }
  }
}
