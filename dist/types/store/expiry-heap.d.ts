/**
 * A binary min-heap of (time, key): the expiry order the session server sweeps in, so a sweep
 * touches only what is due instead of scanning every session and pairing code (DESIGN: nothing
 * scans all sessions). Keys may appear more than once; callers check an entry against the
 * record it names and drop stale ones.
 */
export declare class ExpiryHeap {
    private readonly at;
    private readonly keys;
    get size(): number;
    push(key: string, at: number): void;
    /** The earliest time in the heap, or Infinity when it is empty. */
    peekAt(): number;
    /** The key of the earliest entry (undefined when empty). */
    peekKey(): string | undefined;
    /** Removes the earliest entry (read it first with peekAt / peekKey: no allocation per pop). */
    pop(): void;
    private swap;
    private up;
    private down;
}
