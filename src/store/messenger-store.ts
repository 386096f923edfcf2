/**
 * What the messenger keeps beyond open connections: presence heartbeats, the message counter,
 * and the offline queue. An interface, so a shared (Redis) implementation can serve several
 * instances; MemoryMessengerStore is the embedded default.
 */
export interface OfflineQueueLimits {
  /** Messages kept per agent; the oldest are dropped beyond this. 0 disables the queue. */
  maxPerAgent: number;
  /** How long a queued message is kept, in ms. */
  ttlMs: number;
  /** Messages kept for all agents together: agent ids are unauthenticated, so bound the sum. */
  maxTotal: number;
}

export interface MessengerStore {
  heartbeat(agentId: string, nowMs: number): Promise<void>;
  /** Agents with a heartbeat within windowMs (spec §6.4: 60 s). */
  activeAgents(nowMs: number, windowMs: number): Promise<number>;
  countMessage(): Promise<void>;
  messagesTotal(): Promise<number>;
  /** Appends a relayed message frame for an agent with no open stream. Returns how many were dropped. */
  enqueue(agentId: string, frame: string, nowMs: number): Promise<number>;
  /** Removes and returns the agent's unexpired queued frames, oldest first. */
  drain(agentId: string, nowMs: number): Promise<string[]>;
  queued(agentId: string, nowMs: number): Promise<number>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

interface Queued {
  frame: string;
  at: number;
}

export class MemoryMessengerStore implements MessengerStore {
  private readonly beats = new Map<string, number>();
  private readonly queues = new Map<string, Queued[]>();
  private total = 0;
  private queuedTotal = 0;
  private lastSweep = 0;

  constructor(private readonly limits: OfflineQueueLimits) {}

  async heartbeat(agentId: string, nowMs: number): Promise<void> {
    this.beats.set(agentId, nowMs);
  }

  async activeAgents(nowMs: number, windowMs: number): Promise<number> {
    let n = 0;
    for (const [id, at] of this.beats) {
      if (nowMs - at <= windowMs) n++;
      else this.beats.delete(id);
    }
    return n;
  }

  async countMessage(): Promise<void> {
    this.total++;
  }

  async messagesTotal(): Promise<number> {
    return this.total;
  }

  async enqueue(agentId: string, frame: string, nowMs: number): Promise<number> {
    if (this.limits.maxPerAgent <= 0) return 1;
    this.sweep(nowMs);
    if (this.queuedTotal >= this.limits.maxTotal) return 1;
    const q = this.live(agentId, nowMs);
    q.push({ frame, at: nowMs });
    this.queuedTotal++;
    const dropped = Math.max(0, q.length - this.limits.maxPerAgent);
    if (dropped) {
      q.splice(0, dropped);
      this.queuedTotal -= dropped;
    }
    this.queues.set(agentId, q);
    return dropped;
  }

  async drain(agentId: string, nowMs: number): Promise<string[]> {
    const q = this.live(agentId, nowMs);
    this.queues.delete(agentId);
    this.queuedTotal -= q.length;
    return q.map((m) => m.frame);
  }

  async queued(agentId: string, nowMs: number): Promise<number> {
    return this.live(agentId, nowMs).length;
  }

  private live(agentId: string, nowMs: number): Queued[] {
    const q = this.queues.get(agentId) ?? [];
    const keep = q.filter((m) => nowMs - m.at < this.limits.ttlMs);
    this.queuedTotal -= q.length - keep.length;
    if (keep.length) this.queues.set(agentId, keep);
    else this.queues.delete(agentId);
    return keep;
  }

  /** Expired queues of agents that never come back are dropped once a minute. */
  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweep < 60_000) return;
    this.lastSweep = nowMs;
    for (const id of [...this.queues.keys()]) this.live(id, nowMs);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}
