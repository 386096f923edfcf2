// The fixtures the offline-queue rules are tested with, on the embedded store
// (messenger-queue.test.ts) and on Redis (messenger-redis-store.test.ts): one clock, one set
// of limits, so both stores are held to the same scenarios.
import type { DrainedFrame, OfflineQueueLimits } from '../../src/store/offline-queue.ts';

export const T0 = 1_700_000_000_000;
export const MIN = 60_000;

export const limits = (over: Partial<OfflineQueueLimits> = {}): OfflineQueueLimits => ({
  maxPerAgent: 100,
  ttlMs: 60 * MIN,
  maxTotal: 100_000,
  maxBytesPerAgent: 1 << 20,
  maxBytesTotal: 8 << 20,
  graceMs: 10 * MIN,
  ...over,
});

export const text = (frames: DrainedFrame[]) => frames.map((f) => new TextDecoder().decode(f.frame));
export const sizeOf = (frames: DrainedFrame[]) => frames.reduce((n, f) => n + f.frame.length, 0);
