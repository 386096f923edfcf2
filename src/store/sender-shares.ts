/**
 * Bytes of waiting frames per client address (issue 19, item 4): no address may hold more than
 * its share of the offline queue, so one flooder cannot fill it for everyone (before the
 * shares, ~1,200 posts filled 256 MiB and every other sender got 503 for up to the TTL).
 *
 * Only frames that no draining stream has taken count: delivered (retained) frames are
 * evicted first when the total is full (offline-queue.ts), so they never lock anyone out.
 * A frame stops counting when it is delivered, dropped, evicted or expires. An address at zero
 * is forgotten, so memory is bounded by the waiting frames themselves.
 */
export class SenderShares {
  private readonly bytes = new Map<string, number>();

  /** `cap` 0: no cap. */
  constructor(private readonly cap: number) {}

  /** Whether `sender` may add `bytes` more to what it holds. */
  fits(sender: string, bytes: number): boolean {
    return this.cap <= 0 || this.held(sender) + bytes <= this.cap;
  }

  charge(sender: string, bytes: number): void {
    this.bytes.set(sender, this.held(sender) + bytes);
  }

  release(sender: string, bytes: number): void {
    const left = this.held(sender) - bytes;
    if (left > 0) this.bytes.set(sender, left);
    else this.bytes.delete(sender);
  }

  held(sender: string): number {
    return this.bytes.get(sender) ?? 0;
  }
}
