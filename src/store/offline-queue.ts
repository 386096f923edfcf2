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
 * eviction walks agents in order of last delivery, each step removing something. No client
 * address may hold more than its share of the waiting bytes (sender-shares.ts).
 */
import { AGENT_OVERHEAD, ENTRY_OVERHEAD, withDefaults, type AddOptions, type DrainedFrame, type EnqueueResult, type OfflineQueueLimits, type QueueUsage } from './offline-queue-limits.ts';
import { SenderShares } from './sender-shares.ts';

export * from './offline-queue-limits.ts';

/** A kept frame as a snapshot holds it (messenger-file-store.ts). */
export interface KeptFrame {
  agentId: string;
  frame: Buffer;
  at: number;
  queued: boolean;
  deliveredAt: number | null;
  once: boolean;
  control: boolean;
  sender?: string;
}

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
  /** Whose share it is charged to while it waits; null once delivered, or when no sender was given. */
  sender: string | null;
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
  private readonly shares: SenderShares;
  private bytes = 0;
  private messages = 0;
  private dropped = 0;
  private refused = 0;

  constructor(limits: OfflineQueueLimits) {
    this.limits = withDefaults(limits);
    this.shares = new SenderShares(this.limits.maxBytesPerSender);
  }

  /**
   * Stores a frame for an agent: `delivered` when a draining stream took it (kept for the grace
   * period), else it waits for one (kept for the TTL). `once` frames are never replayed.
   */
  add(agentId: string, frame: string, nowMs: number, opts: AddOptions = {}): EnqueueResult {
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
    const sender = !delivered && opts.sender !== undefined ? opts.sender : null;
    if (sender !== null && !this.shares.fits(sender, bytes)) return this.refuse('share');
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
    q.entries.push({ frame: buf, bytes, at: nowMs, queued: !delivered, deliveredAt: delivered ? nowMs : null, once, control: opts.control ?? false, sender });
    if (sender !== null) this.shares.charge(sender, bytes);
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
    for (const e of q.entries) {
      e.deliveredAt ??= nowMs;
      this.unwait(e);
    }
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

  /** Bytes of waiting frames charged to a client address. */
  senderBytes(sender: string): number {
    return this.shares.held(sender);
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
      for (const e of q.entries) yield { agentId, frame: e.frame, at: e.at, queued: e.queued, deliveredAt: e.deliveredAt, once: e.once, control: e.control, ...(e.sender === null ? {} : { sender: e.sender }) };
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
    const sender = k.deliveredAt === null && k.sender !== undefined ? k.sender : null;
    q.entries.push({ frame: k.frame, bytes, at: k.at, queued: k.queued, deliveredAt: k.deliveredAt, once: k.once, control: k.control, sender });
    if (sender !== null) this.shares.charge(sender, bytes);
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

  private refuse<R extends 'full' | 'share'>(why: R = 'full' as R): R {
    this.refused++;
    return why;
  }

  /** Delivered or gone: the frame no longer counts against its sender's share. */
  private unwait(e: Entry): void {
    if (e.sender === null) return;
    this.shares.release(e.sender, e.bytes);
    e.sender = null;
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
    this.unwait(e!);
    q.bytes -= e!.bytes;
    this.bytes -= e!.bytes;
    this.messages--;
  }

  private forget(agentId: string, q: AgentQueue): void {
    if (this.agents.get(agentId) !== q) return;
    for (const e of q.entries) this.unwait(e);
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
