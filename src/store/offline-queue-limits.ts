/**
 * The offline queue's budgets, options and results (offline-queue.ts), shared by the embedded
 * store and the Redis one (src/redis/messenger-store.ts), so both apply the same defaults.
 */
export interface OfflineQueueLimits {
  /** Messages kept per agent (waiting and retained); the oldest go first. 0 disables the queue. */
  maxPerAgent: number;
  /** How long a message that found no draining stream is kept, in ms (delivered or not). */
  ttlMs: number;
  /** Messages kept for all agents together. */
  maxTotal: number;
  /** Bytes kept per agent (frames as stored plus bookkeeping); the oldest go first. */
  maxBytesPerAgent?: number;
  /** Bytes kept for all agents together; when full, retained messages go first, then new ones are refused. */
  maxBytesTotal?: number;
  /** How long a delivered message is kept for replay to new streams, in ms; 0: drained means gone. */
  graceMs?: number;
  /**
   * Bytes of waiting frames one client address may hold (sender-shares.ts); 0: no cap.
   * Default: a sixteenth of maxBytesTotal.
   */
  maxBytesPerSender?: number;
}

/** Options of one add; an object (not positions) so a journaling store can record it as-is. */
export interface AddOptions {
  delivered?: boolean;
  once?: boolean;
  control?: boolean;
  /** The client address that posted it (the request's `ip`, after TRUST_PROXY); charged while it waits. */
  sender?: string;
}

/**
 * `off`: the queue is disabled (or retention is). `full`: over a budget, not stored.
 * `share`: the sender's address holds its share of the queue already (sender-shares.ts).
 */
export type EnqueueResult = 'stored' | 'full' | 'share' | 'off';

/** A frame for a new stream; `replay`: some stream of the agent was given it before. */
export interface DrainedFrame {
  frame: Uint8Array;
  replay: boolean;
}

export interface QueueUsage {
  /** Bytes counted against the total budget. */
  bytes: number;
  messages: number;
  /** Messages dropped to make room (oldest of an agent, or retained ones evicted). */
  dropped: number;
  /** Messages refused because a budget was full. */
  refused: number;
}

/** Bookkeeping charged per message and per agent besides the frame bytes (objects, map slots). */
export const ENTRY_OVERHEAD = 128;
export const AGENT_OVERHEAD = 256;

/** The budgets with their defaults; the Redis store uses the same (src/redis/messenger-store.ts). */
export function withDefaults(limits: OfflineQueueLimits): Required<OfflineQueueLimits> {
  const maxBytesTotal = limits.maxBytesTotal ?? 256 * 1024 * 1024;
  return {
    ...limits,
    maxBytesPerAgent: limits.maxBytesPerAgent ?? 4 * 1024 * 1024,
    maxBytesTotal,
    graceMs: limits.graceMs ?? 0,
    maxBytesPerSender: limits.maxBytesPerSender ?? Math.floor(maxBytesTotal / 16),
  };
}

