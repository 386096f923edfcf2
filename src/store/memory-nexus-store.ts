/**
 * The session store in memory (store/nexus-store.ts NexusStore): records in maps, messages in a
 * MessageLog, and the indexes that keep every request and every sweep slice from scanning all
 * sessions: expiry heaps for sessions and codes, codes by session, and live counters (stats).
 */
import { ExpiryHeap } from './expiry-heap.ts';
import { MessageLog, type MessageBudget, type StoredMessage } from './message-log.ts';
import type { MaybePromise } from '../maybe-promise.ts';
import type { NexusStore, PairRecord, SessionRecord, StoreCounts, Update } from './nexus-store.ts';

export const DEFAULT_MESSAGE_BUDGET: MessageBudget = { maxPerSession: 1000, maxBytesPerSession: 2 << 20, maxBytesTotal: 256 << 20 };

export class MemoryNexusStore implements NexusStore {
  protected readonly sessions = new Map<string, SessionRecord>();
  protected readonly log: MessageLog;
  private readonly pairs = new Map<string, PairRecord>();
  private readonly pairsBySession = new Map<string, Set<string>>();
  /** One live entry per session: `heapAt` holds its time; other entries are stale. */
  private readonly sessionExpiry = new ExpiryHeap();
  private readonly heapAt = new Map<string, number>();
  private readonly pairExpiry = new ExpiryHeap();
  private agentCount = 0;

  constructor(budget: Partial<MessageBudget> = {}) {
    this.log = new MessageLog({ ...DEFAULT_MESSAGE_BUDGET, ...budget });
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    return this.sessions.get(id) ?? null;
  }

  /** At once: nothing to wait for in memory (no promise on the hot path). */
  updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): MaybePromise<T> {
    return this.apply(id, fn(this.sessions.get(id) ?? null));
  }

  /** Applies an update in memory and keeps the indexes and counters in step. */
  protected apply<T>(id: string, u: Update<T, SessionRecord>): T {
    const prev = this.sessions.get(id);
    if (u.next === null) {
      if (prev) {
        this.sessions.delete(id);
        this.agentCount -= prev.agents.length;
        this.log.drop(id);
        this.heapAt.delete(id);
        const codes = this.pairsBySession.get(id);
        if (codes) {
          for (const code of codes) this.pairs.delete(code);
          this.pairsBySession.delete(id);
        }
      }
      return u.result;
    }
    if (u.append?.length) this.log.append(id, u.append);
    const next = u.next;
    if (next) {
      this.sessions.set(id, next);
      this.agentCount += next.agents.length - (prev?.agents.length ?? 0);
      // The heap entry may run early (the expiry slid since): deleteExpired re-files it then.
      const at = this.heapAt.get(id);
      if (at === undefined || next.expiresAt < at) {
        this.heapAt.set(id, next.expiresAt);
        this.sessionExpiry.push(id, next.expiresAt);
      }
    }
    return u.result;
  }

  async listSessions(): Promise<SessionRecord[]> {
    return [...this.sessions.values()];
  }

  messagesAfter(sessionId: string, after: number, limit: number, maxBytes: number): MaybePromise<{ messages: StoredMessage[]; more: boolean }> {
    return this.log.after(sessionId, after, limit, maxBytes);
  }

  async counts(): Promise<StoreCounts> {
    return { sessions: this.sessions.size, agents: this.agentCount, messages: this.log.appended };
  }

  /** Whether a session may be deleted by the sweep now (FileNexusStore: not while a write is pending). */
  protected deletable(_id: string): boolean {
    return true;
  }

  async deleteExpired(t: number, max: number): Promise<{ ids: string[]; more: boolean }> {
    const ids: string[] = [];
    for (let work = 0; work < max && this.sessionExpiry.peekAt() <= t; work++) {
      const key = this.sessionExpiry.peekKey()!;
      const filed = this.sessionExpiry.peekAt();
      this.sessionExpiry.pop();
      if (this.heapAt.get(key) !== filed) continue; // stale entry
      const s = this.sessions.get(key);
      if (!s) {
        this.heapAt.delete(key);
        continue;
      }
      if (s.expiresAt > t || !this.deletable(key)) {
        // Slid (or busy) since it was filed: file it again at its current expiry.
        const at = Math.max(s.expiresAt, t + 1);
        this.heapAt.set(key, at);
        this.sessionExpiry.push(key, at);
        continue;
      }
      this.apply(key, { next: null, result: null });
      ids.push(key);
    }
    return { ids, more: this.sessionExpiry.peekAt() <= t };
  }

  async getPair(code: string): Promise<PairRecord | null> {
    return this.pairs.get(code) ?? null;
  }

  async updatePair<T>(code: string, fn: (p: PairRecord | null) => Update<T, PairRecord>): Promise<T> {
    const prev = this.pairs.get(code);
    const { next, result } = fn(prev ?? null);
    if (next === null) {
      if (prev) this.unindexPair(prev);
    } else if (next) {
      if (prev && prev.sessionId !== next.sessionId) this.unindexPair(prev);
      this.pairs.set(code, next);
      let set = this.pairsBySession.get(next.sessionId);
      if (!set) this.pairsBySession.set(next.sessionId, (set = new Set()));
      set.add(code);
      if (!prev || prev.expiresAt !== next.expiresAt) this.pairExpiry.push(code, next.expiresAt);
    }
    return result;
  }

  private unindexPair(p: PairRecord): void {
    this.pairs.delete(p.code);
    const set = this.pairsBySession.get(p.sessionId);
    set?.delete(p.code);
    if (set && !set.size) this.pairsBySession.delete(p.sessionId);
  }

  async pairsOf(sessionId: string): Promise<PairRecord[]> {
    return [...(this.pairsBySession.get(sessionId) ?? [])].map((c) => this.pairs.get(c)!);
  }

  async deleteExpiredPairs(t: number, max: number): Promise<{ count: number; more: boolean }> {
    let count = 0;
    for (let work = 0; work < max && this.pairExpiry.peekAt() <= t; work++) {
      const code = this.pairExpiry.peekKey()!;
      const filed = this.pairExpiry.peekAt();
      this.pairExpiry.pop();
      const p = this.pairs.get(code);
      if (!p || p.expiresAt !== filed) continue; // gone, or the code was issued again since
      this.unindexPair(p);
      count++;
    }
    return { count, more: this.pairExpiry.peekAt() <= t };
  }

  health(): 'ok' | 'unavailable' {
    return 'ok';
  }

  async close(): Promise<void> {}
}
