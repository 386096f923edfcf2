/**
 * What the messenger keeps beyond open connections: presence heartbeats, the message counter,
 * and the per-agent message store (offline queue and retention, offline-queue.ts). An
 * interface, so a shared (Redis) implementation can serve several instances;
 * MemoryMessengerStore is the embedded default.
 */
import { OfflineQueue, type AddOptions, type DrainedFrame, type EnqueueResult, type OfflineQueueLimits, type QueueUsage } from './offline-queue.ts';
import type { MaybePromise } from '../maybe-promise.ts';

export type { AddOptions, DrainedFrame, EnqueueResult, OfflineQueueLimits, QueueUsage } from './offline-queue.ts';

export interface MessengerStore {
  heartbeat(agentId: string, nowMs: number): Promise<void>;
  /** Agents with a heartbeat within windowMs (opennexus spec §6.4: 60 s). */
  activeAgents(nowMs: number, windowMs: number): Promise<number>;
  /** Synchronous where the store is this process's memory (no await on a message's path). */
  countMessage(): MaybePromise<void>;
  messagesTotal(): Promise<number>;
  /**
   * Keeps a relayed message frame for an agent: one no draining stream took (it waits), or,
   * with `delivered`, one that was delivered (kept for replay to the agent's next streams).
   * `once`: never replayed after its first delivery. `sender`: the posting client's address,
   * charged with the frame while it waits (its share of the queue; 'share' when that is full).
   */
  enqueue(agentId: string, frame: string, nowMs: number, opts?: AddOptions): MaybePromise<EnqueueResult>;
  /** Waiting control frames (HELLO_ACKs, resets) shown to a watch stream, not taken. */
  peekControl(agentId: string, nowMs: number): Promise<DrainedFrame[]>;
  /** The agent's kept frames for a new draining stream, oldest first; waiting ones count as delivered from now. */
  drain(agentId: string, nowMs: number): Promise<DrainedFrame[]>;
  /** Frames of the agent that no draining stream has taken yet. */
  queued(agentId: string, nowMs: number): Promise<number>;
  /** Delivered frames of the agent kept for replay. */
  retained(agentId: string, nowMs: number): Promise<number>;
  usage(): Promise<QueueUsage>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Presence entries kept at most: ids are unauthenticated, so anyone can add them. */
export const PRESENCE_MAX = 100_000;
const PRESENCE_WINDOW_MS = 60_000;

export class MemoryMessengerStore implements MessengerStore {
  /** agent id -> last heartbeat, in order of last heartbeat (re-inserted on each one). */
  private readonly beats = new Map<string, number>();
  protected readonly queue: OfflineQueue;
  protected total = 0;

  constructor(limits: OfflineQueueLimits, private readonly presenceMax = PRESENCE_MAX) {
    this.queue = new OfflineQueue(limits);
  }

  /**
   * Old entries are pruned here, on the only path that adds them, and the oldest go beyond
   * presenceMax: the map never holds more than a window's worth, whoever reads the stats.
   */
  async heartbeat(agentId: string, nowMs: number): Promise<void> {
    this.beats.delete(agentId);
    this.beats.set(agentId, nowMs);
    this.prune(nowMs, PRESENCE_WINDOW_MS);
    for (const id of this.beats.keys()) {
      if (this.beats.size <= this.presenceMax) break;
      this.beats.delete(id);
    }
  }

  async activeAgents(nowMs: number, windowMs: number): Promise<number> {
    this.prune(nowMs, windowMs);
    return this.beats.size;
  }

  /** Walks from the oldest heartbeat and stops at the first fresh one. */
  private prune(nowMs: number, windowMs: number): void {
    for (const [id, at] of this.beats) {
      if (nowMs - at <= windowMs) break;
      this.beats.delete(id);
    }
  }

  /** Heartbeat entries held (for tests and stats). */
  get presenceEntries(): number {
    return this.beats.size;
  }

  countMessage(): void {
    this.total++;
  }

  async messagesTotal(): Promise<number> {
    return this.total;
  }

  async peekControl(agentId: string, nowMs: number): Promise<DrainedFrame[]> {
    return this.queue.peekControl(agentId, nowMs);
  }

  enqueue(agentId: string, frame: string, nowMs: number, opts: AddOptions = {}): MaybePromise<EnqueueResult> {
    return this.queue.add(agentId, frame, nowMs, opts);
  }

  async drain(agentId: string, nowMs: number): Promise<DrainedFrame[]> {
    return this.queue.drain(agentId, nowMs);
  }

  /** Bytes of waiting frames charged to a client address (sender-shares.ts). */
  async senderBytes(sender: string): Promise<number> {
    return this.queue.senderBytes(sender);
  }

  async queued(agentId: string, nowMs: number): Promise<number> {
    return this.queue.waiting(agentId, nowMs);
  }

  async retained(agentId: string, nowMs: number): Promise<number> {
    return this.queue.retained(agentId, nowMs);
  }

  async usage(): Promise<QueueUsage> {
    return this.queue.usage();
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}
