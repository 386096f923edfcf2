/**
 * The messenger's per-agent message store, in memory: messages for an agent with no draining
 * stream wait here (the offline queue), and messages already delivered stay for a grace period
 * so that every new draining stream of the agent gets them again (retention).
 *
 * Why retention: agent ids are not authenticated (opennexus spec §10 B4), so anyone can open a
 * stream as an agent. Without it, such a thief drains the queue and the real agent never sees
 * those messages; with it, the real agent still gets them (ciphertext; clients drop replays by
 * counter, opennexus spec §4.5). A HELLO is the exception: a replayed HELLO replaces the receiver's live
 * session (opennexus spec §4.4), so it is delivered once and never replayed.
 *
 * Everything is counted in bytes as stored (the frame after Go-style escaping, which can make a
 * 64 KiB body six times larger), per agent and in total, so no sequence of requests grows it
 * past its budget. Nothing here scans all agents: expiry walks agents in order of last use and
 * eviction walks agents in order of last delivery, each step removing something.
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
}

/** `off`: the queue is disabled (or retention is). `full`: over a budget, not stored. */
export type EnqueueResult = 'stored' | 'full' | 'off';

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

/** A kept frame as a snapshot holds it. */
export interface KeptFrame {
  agentId: string;
  frame: Buffer;
  at: number;
  queued: boolean;
  deliveredAt: number | null;
  once: boolean;
  control: boolean;
}

/** Bookkeeping charged per message and per agent besides the frame bytes (objects, map slots). */
export const ENTRY_OVERHEAD = 128;
export const AGENT_OVERHEAD = 256;

interface Entry {
  frame: Buffer;
  bytes: number;
  at: number;
  /** It found no draining stream: kept for the TTL, even once delivered. */
  queued: boolean;
  deliveredAt: number | null;
  /** Never replayed (a HELLO). */
  once: boolean;
  /** A HELLO_ACK or a reset: also shown, without being taken, to watch streams. */
  control: boolean;
}

interface AgentQueue {
  entries: Entry[];
  bytes: number;
  /** Last add or drain: every entry expires by touched + max(ttl, grace). */
  touched: number;
}

export class OfflineQueue {
  private readonly agents = new Map<string, AgentQueue>(); // in order of last touch
  private readonly retainers = new Map<string, AgentQueue>(); // in order of last delivery
  private readonly limits: Required<OfflineQueueLimits>;
  private bytes = 0;
  private messages = 0;
  private dropped = 0;
  private refused = 0;

  constructor(limits: OfflineQueueLimits) {
    this.limits = { maxBytesPerAgent: 4 * 1024 * 1024, maxBytesTotal: 256 * 1024 * 1024, graceMs: 0, ...limits };
  }

  /**
   * Stores a frame for an agent: `delivered` when a draining stream took it (kept for the grace
   * period), else it waits for one (kept for the TTL). `once` frames are never replayed.
   */
  add(agentId: string, frame: string, nowMs: number, opts: { delivered?: boolean; once?: boolean; control?: boolean } = {}): EnqueueResult {
    const { maxPerAgent, maxBytesPerAgent, maxBytesTotal, maxTotal, graceMs } = this.limits;
    const delivered = opts.delivered ?? false;
    const once = opts.once ?? false;
    if (maxPerAgent <= 0 || (delivered && (once || graceMs <= 0))) return 'off';
    this.sweep(nowMs);
    const buf = Buffer.from(frame, 'utf8');
    const bytes = buf.length + ENTRY_OVERHEAD;
    const own = agentBase(agentId);
    if (own + bytes > maxBytesPerAgent || own + bytes > maxBytesTotal) return this.refuse();
    const known = this.agents.get(agentId);
    if (known) this.pruneFront(agentId, known, nowMs);
    // The total first, so a refusal costs the agent none of its older messages.
    while (this.bytes + (this.agents.has(agentId) ? 0 : own) + bytes > maxBytesTotal || this.messages + 1 > maxTotal) {
      if (!this.evictRetained()) return this.refuse();
    }
    let q = this.agents.get(agentId); // pruning or eviction may have removed it
    if (!q) {
      q = { entries: [], bytes: own, touched: nowMs };
      this.bytes += own;
    }
    while (q.entries.length && (q.entries.length + 1 > maxPerAgent || q.bytes + bytes > maxBytesPerAgent)) {
      this.remove(q, 0);
      this.dropped++;
    }
    q.entries.push({ frame: buf, bytes, at: nowMs, queued: !delivered, deliveredAt: delivered ? nowMs : null, once, control: opts.control ?? false });
    q.bytes += bytes;
    this.bytes += bytes;
    this.messages++;
    this.touch(agentId, q, nowMs, delivered);
    return 'stored';
  }

  /**
   * What a watch stream (`?drain=0`) is shown: the control frames (HELLO_ACKs, resets) still
   * waiting for the agent, oldest first, left in place for its draining stream. A `send` that
   * starts after the peer answered an earlier handshake finds the answer here.
   */
  peekControl(agentId: string, nowMs: number): DrainedFrame[] {
    const q = this.agents.get(agentId);
    if (!q) return [];
    return q.entries.filter((e) => e.control && e.deliveredAt === null && e.at <= nowMs).map((e) => ({ frame: e.frame, replay: false }));
  }

  /**
   * What a new draining stream gets, oldest first: every kept frame of the agent. Waiting ones
   * become delivered; `once` frames are removed; with no grace period everything is removed.
   */
  drain(agentId: string, nowMs: number): DrainedFrame[] {
    this.sweep(nowMs);
    const q = this.agents.get(agentId);
    if (!q) return [];
    this.prune(agentId, q, nowMs);
    if (!this.agents.has(agentId)) return [];
    const out = q.entries.map((e) => ({ frame: e.frame, replay: e.deliveredAt !== null }));
    for (const e of q.entries) e.deliveredAt ??= nowMs;
    for (let i = q.entries.length - 1; i >= 0; i--) {
      if (q.entries[i]!.once || this.limits.graceMs <= 0) this.remove(q, i);
    }
    if (q.entries.length) this.touch(agentId, q, nowMs, true);
    else this.forget(agentId, q);
    return out;
  }

  /** Frames of the agent that no draining stream has taken yet. */
  waiting(agentId: string, nowMs: number): number {
    return this.count(agentId, nowMs, (e) => e.deliveredAt === null);
  }

  /** Delivered frames kept for replay. */
  retained(agentId: string, nowMs: number): number {
    return this.count(agentId, nowMs, (e) => e.deliveredAt !== null);
  }

  usage(): QueueUsage {
    return { bytes: this.bytes, messages: this.messages, dropped: this.dropped, refused: this.refused };
  }

  /**
   * Takes back a frame that was just added and is still waiting (its write to disk failed, so
   * its sender is told 503 and will send it again); false when a stream took it meanwhile.
   */
  withdraw(agentId: string, frame: string): boolean {
    const q = this.agents.get(agentId);
    if (!q) return false;
    const buf = Buffer.from(frame, 'utf8');
    const i = q.entries.findIndex((e) => e.deliveredAt === null && e.frame.equals(buf));
    if (i < 0) return false;
    this.remove(q, i);
    if (!q.entries.length) this.forget(agentId, q);
    return true;
  }

  /** Every kept frame, agents in order of last use, each agent's oldest first (a snapshot, messenger-file-store.ts). */
  *kept(): Iterable<KeptFrame> {
    for (const [agentId, q] of this.agents) {
      for (const e of q.entries) yield { agentId, frame: e.frame, at: e.at, queued: e.queued, deliveredAt: e.deliveredAt, once: e.once, control: e.control };
    }
  }

  /** Puts back a frame from a snapshot, as it was (appended after the agent's others). */
  restore(k: KeptFrame): void {
    let q = this.agents.get(k.agentId);
    if (!q) {
      q = { entries: [], bytes: agentBase(k.agentId), touched: k.at };
      this.bytes += q.bytes;
    }
    const bytes = k.frame.length + ENTRY_OVERHEAD;
    q.entries.push({ frame: k.frame, bytes, at: k.at, queued: k.queued, deliveredAt: k.deliveredAt, once: k.once, control: k.control });
    q.bytes += bytes;
    this.bytes += bytes;
    this.messages++;
    this.touch(k.agentId, q, Math.max(q.touched, k.deliveredAt ?? k.at), k.deliveredAt !== null);
  }

  private count(agentId: string, nowMs: number, pred: (e: Entry) => boolean): number {
    const q = this.agents.get(agentId);
    if (!q) return 0;
    this.prune(agentId, q, nowMs);
    return q.entries.filter(pred).length;
  }

  private refuse(): 'full' {
    this.refused++;
    return 'full';
  }

  private expired(e: Entry, nowMs: number): boolean {
    const byTtl = e.queued ? e.at + this.limits.ttlMs : -Infinity;
    const byGrace = e.deliveredAt !== null ? e.deliveredAt + this.limits.graceMs : -Infinity;
    return nowMs >= Math.max(byTtl, byGrace);
  }

  /** Drops the agent's expired frames (at most maxPerAgent of them to look at). */
  private prune(agentId: string, q: AgentQueue, nowMs: number): void {
    for (let i = q.entries.length - 1; i >= 0; i--) if (this.expired(q.entries[i]!, nowMs)) this.remove(q, i);
    if (!q.entries.length) this.forget(agentId, q);
  }

  /**
   * The cheap prune on the path of every message: expired frames at the front only. The rest
   * go at the next drain or count, and meanwhile they are counted against the budgets.
   */
  private pruneFront(agentId: string, q: AgentQueue, nowMs: number): void {
    while (q.entries.length && this.expired(q.entries[0]!, nowMs)) this.remove(q, 0);
    if (!q.entries.length) this.forget(agentId, q);
  }

  /** Agents untouched for longer than anything of theirs can live are dropped whole. */
  private sweep(nowMs: number): void {
    const horizon = Math.max(this.limits.ttlMs, this.limits.graceMs);
    for (const [id, q] of this.agents) {
      if (nowMs < q.touched + horizon) break;
      this.forget(id, q);
    }
  }

  /** Evicts the oldest retained frame of the agent least recently delivered to. */
  private evictRetained(): boolean {
    for (const [id, q] of this.retainers) {
      const i = q.entries.findIndex((e) => e.deliveredAt !== null);
      if (i < 0) {
        this.retainers.delete(id);
        continue;
      }
      this.remove(q, i);
      this.dropped++;
      if (!q.entries.length) this.forget(id, q);
      return true;
    }
    return false;
  }

  private remove(q: AgentQueue, i: number): void {
    const [e] = q.entries.splice(i, 1);
    q.bytes -= e!.bytes;
    this.bytes -= e!.bytes;
    this.messages--;
  }

  private forget(agentId: string, q: AgentQueue): void {
    if (this.agents.get(agentId) !== q) return;
    this.bytes -= q.bytes;
    this.messages -= q.entries.length;
    this.agents.delete(agentId);
    this.retainers.delete(agentId);
  }

  /** Moves the agent to the end of the order of use (and of delivery, when it just had one). */
  private touch(agentId: string, q: AgentQueue, nowMs: number, delivered: boolean): void {
    q.touched = nowMs;
    this.agents.delete(agentId);
    this.agents.set(agentId, q);
    if (delivered) {
      this.retainers.delete(agentId);
      this.retainers.set(agentId, q);
    }
  }
}

/** The agent's own cost: its id (UTF-16 in memory at worst) and the map slots. */
function agentBase(agentId: string): number {
  return AGENT_OVERHEAD + 2 * agentId.length;
}
