/**
 * Open SSE connections by agent id (opennexus spec §6.2): every open stream of an agent gets
 * every message. A subscriber that is still receiving its offline backlog holds live messages
 * back so the agent sees everything in order.
 */
export class Subscriber {
  private held: string[] | null = null;

  /**
   * `drains: false` is a watch stream (`?drain=0`): our client opens one during `send` to catch
   * a HELLO_ACK or a reset and ignores everything else, so a message it gets must still be
   * queued for the agent's real stream.
   */
  constructor(
    private readonly write: (frame: string) => boolean,
    readonly drains = true,
  ) {}

  send(frame: string): void {
    if (this.held) this.held.push(frame);
    else this.write(frame);
  }

  hold(): void {
    this.held ??= [];
  }

  /** Writes the backlog, then whatever arrived meanwhile, then goes live. */
  release(backlog: string[]): void {
    const later = this.held ?? [];
    this.held = null;
    for (const f of backlog) this.write(f);
    for (const f of later) this.write(f);
  }
}

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

  /** Sends the frame to every stream of the agent; returns how many of them deliver it (drain). */
  deliver(agentId: string, frame: string): number {
    const set = this.subs.get(agentId);
    if (!set) return 0;
    let delivered = 0;
    for (const s of set) {
      s.send(frame);
      if (s.drains) delivered++;
    }
    return delivered;
  }

  /** Open streams of one agent (watch streams included). */
  streamCount(agentId: string): number {
    return this.subs.get(agentId)?.size ?? 0;
  }

  /** Distinct agent ids with at least one open stream (`/info` local_agent_count). */
  get agentCount(): number {
    return this.subs.size;
  }
}
