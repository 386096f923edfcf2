/**
 * Open SSE connections by agent id (opennexus spec §6.2): every open stream of an agent gets
 * every message. Each stream has a byte budget for unsent data (subscriber.ts).
 */
import { Subscriber } from './subscriber.ts';

export { Subscriber } from './subscriber.ts';

export class Hub {
  private readonly subs = new Map<string, Set<Subscriber>>();

  add(agentId: string, sub: Subscriber): void {
    let set = this.subs.get(agentId);
    if (!set) this.subs.set(agentId, (set = new Set()));
    set.add(sub);
  }

  remove(agentId: string, sub: Subscriber): void {
    const set = this.subs.get(agentId);
    if (!set) return;
    set.delete(sub);
    if (set.size === 0) this.subs.delete(agentId);
  }

  /**
   * Sends the frame to every stream of the agent; returns how many draining streams took it.
   * A stream over its budget is closed and does not count, so with no other taker the message
   * is queued for the agent's next stream.
   */
  deliver(agentId: string, frame: string): number {
    const set = this.subs.get(agentId);
    if (!set) return 0;
    const bytes = Buffer.byteLength(frame);
    let delivered = 0;
    for (const s of [...set]) {
      if (s.send(frame, bytes) && s.drains) delivered++;
    }
    return delivered;
  }

  /** Open streams of one agent (watch streams included). */
  streamCount(agentId: string): number {
    return this.subs.get(agentId)?.size ?? 0;
  }

  /** The agent's open streams (a copy: delivering may close some). */
  streamsOf(agentId: string): Subscriber[] {
    const set = this.subs.get(agentId);
    return set ? [...set] : [];
  }

  /** Agent ids with at least one open stream here. */
  agentIds(): string[] {
    return [...this.subs.keys()];
  }

  /** Distinct agent ids with at least one open stream (`/info` local_agent_count). */
  get agentCount(): number {
    return this.subs.size;
  }

  /** Bytes all open streams hold for their clients: unsent frames and socket buffers. */
  bufferedBytes(): number {
    let n = 0;
    for (const set of this.subs.values()) for (const s of set) n += s.bufferedBytes();
    return n;
  }

  /** The largest such amount held by one stream. */
  maxStreamBytes(): number {
    let n = 0;
    for (const set of this.subs.values()) for (const s of set) n = Math.max(n, s.bufferedBytes());
    return n;
  }
}
