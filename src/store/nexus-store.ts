/**
 * What the session server keeps (spec §2.2). An interface so a shared (Redis) implementation
 * can serve several instances. MemoryNexusStore keeps everything in memory; FileNexusStore adds
 * session metadata files under DATA_DIR so sessions and their last cursor survive a restart
 * (messages stay in memory, as in the reference).
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readTextOrNull, writeFileAtomic, ensurePrivateDir } from './atomic-file.ts';

export interface AgentRecord {
  agentId: string;
  joinedAt: number;
  lastSeenAt: number;
  /** SHA-256 (hex) of the agent's session key; the key itself is never stored. */
  keyHash: string;
}

export interface SessionRecord {
  sessionId: string;
  ttl: number;
  maxAgents: number;
  createdAt: number;
  expiresAt: number;
  creatorAgentId: string | null;
  greeting: string | null;
  agents: AgentRecord[];
  /** Highest cursor ever assigned; persisted so cursors continue after a restart (spec §2.2). */
  headCursor: number;
  cronReminderSent: boolean;
}

export interface StoredMessage {
  id: string;
  cursor: number;
  agentId: string;
  text: string;
  json?: unknown;
  verified: boolean;
  createdAt: number;
  expiresAt: number;
  type: 'message' | 'greeting' | 'system';
  sanitized?: boolean;
}

export interface PairRecord {
  code: string;
  sessionId: string;
  createdAt: number;
  expiresAt: number;
  claimedBy?: string;
  claimedAt?: number;
}

export interface Update<T, R> {
  /** The new value; null deletes; undefined leaves it unchanged. */
  next?: R | null;
  result: T;
  /** Messages to append in the same atomic step (their cursors were assigned from `next`). */
  append?: StoredMessage[];
}

export interface NexusStore {
  getSession(id: string): Promise<SessionRecord | null>;
  /** Atomic read-modify-write of one session. */
  updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): Promise<T>;
  listSessions(): Promise<SessionRecord[]>;
  /** Messages with cursor > after, ascending, at most `limit`. */
  messagesAfter(sessionId: string, after: number, limit: number): Promise<StoredMessage[]>;
  messageCount(): Promise<number>;
  getPair(code: string): Promise<PairRecord | null>;
  updatePair<T>(code: string, fn: (p: PairRecord | null) => Update<T, PairRecord>): Promise<T>;
  pairsOf(sessionId: string): Promise<PairRecord[]>;
  close(): Promise<void>;
}

export class MemoryNexusStore implements NexusStore {
  protected readonly sessions = new Map<string, SessionRecord>();
  private readonly messages = new Map<string, StoredMessage[]>();
  private readonly pairs = new Map<string, PairRecord>();
  private total = 0;

  constructor(protected readonly maxMessagesPerSession = 1000) {}

  async getSession(id: string): Promise<SessionRecord | null> {
    return this.sessions.get(id) ?? null;
  }

  async updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): Promise<T> {
    const { next, result, append } = fn(this.sessions.get(id) ?? null);
    if (append?.length) this.append(id, append);
    if (next === null) {
      this.sessions.delete(id);
      this.messages.delete(id);
      for (const [code, p] of this.pairs) if (p.sessionId === id) this.pairs.delete(code);
      this.changed(id, null);
    } else if (next) {
      this.sessions.set(id, next);
      this.changed(id, next);
    }
    return result;
  }

  /** Hook for persistence. */
  protected changed(_id: string, _s: SessionRecord | null): void {}

  async listSessions(): Promise<SessionRecord[]> {
    return [...this.sessions.values()];
  }

  private append(sessionId: string, messages: StoredMessage[]): void {
    let list = this.messages.get(sessionId);
    if (!list) this.messages.set(sessionId, (list = []));
    list.push(...messages);
    this.total += messages.length;
    // Retention: keep the newest N; the greeting (cursor 0) is always kept.
    const excess = list.length - this.maxMessagesPerSession;
    if (excess > 0) {
      const start = list[0]?.cursor === 0 ? 1 : 0;
      list.splice(start, excess);
    }
  }

  async messagesAfter(sessionId: string, after: number, limit: number): Promise<StoredMessage[]> {
    const list = this.messages.get(sessionId) ?? [];
    // Cursors are ascending: binary search for the first cursor > after.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.cursor > after) hi = mid;
      else lo = mid + 1;
    }
    return list.slice(lo, lo + limit);
  }

  async messageCount(): Promise<number> {
    return this.total;
  }

  async getPair(code: string): Promise<PairRecord | null> {
    return this.pairs.get(code) ?? null;
  }

  async updatePair<T>(code: string, fn: (p: PairRecord | null) => Update<T, PairRecord>): Promise<T> {
    const { next, result } = fn(this.pairs.get(code) ?? null);
    if (next === null) this.pairs.delete(code);
    else if (next) this.pairs.set(code, next);
    return result;
  }

  async pairsOf(sessionId: string): Promise<PairRecord[]> {
    return [...this.pairs.values()].filter((p) => p.sessionId === sessionId);
  }

  async close(): Promise<void> {}
}

/**
 * Session metadata as one small JSON file per session (`<dir>/sessions/<id>.json`), replaced
 * atomically. Writes are coalesced per session: at most one in flight, the latest state wins.
 * A change that only slides expiresAt is written at most once a minute (a restart may then
 * expire a session up to a minute early).
 */
export class FileNexusStore extends MemoryNexusStore {
  private readonly dir: string;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly persisted = new Map<string, string>();

  constructor(dataDir: string, maxMessagesPerSession = 1000) {
    super(maxMessagesPerSession);
    this.dir = join(dataDir, 'sessions');
  }

  /** Loads every unexpired session from disk. */
  async load(now: number): Promise<number> {
    await ensurePrivateDir(this.dir);
    for (const f of await readdir(this.dir)) {
      if (!/^[0-9a-f]{16,128}\.json$/.test(f)) continue;
      const text = await readTextOrNull(join(this.dir, f));
      let s: SessionRecord | null = null;
      try {
        s = text ? (JSON.parse(text) as SessionRecord) : null;
      } catch {
        s = null;
      }
      if (!s || typeof s.sessionId !== 'string' || s.expiresAt <= now) {
        await rm(join(this.dir, f), { force: true });
        continue;
      }
      this.sessions.set(s.sessionId, s);
      this.persisted.set(s.sessionId, this.key(s));
    }
    return this.sessions.size;
  }

  /** What decides a write: everything but a sub-minute expiry slide. */
  private key(s: SessionRecord): string {
    return JSON.stringify({ ...s, expiresAt: Math.floor(s.expiresAt / 60_000), agents: s.agents.map((a) => ({ ...a, lastSeenAt: 0 })) });
  }

  protected override changed(id: string, s: SessionRecord | null): void {
    if (s && this.persisted.get(id) === this.key(s)) return;
    this.dirty.add(id);
    if (!this.inFlight.has(id)) this.inFlight.set(id, this.flush(id));
  }

  private async flush(id: string): Promise<void> {
    try {
      while (this.dirty.delete(id)) {
        const s = this.sessions.get(id);
        const path = join(this.dir, `${id}.json`);
        if (s) {
          await writeFileAtomic(path, JSON.stringify(s), { sync: false });
          this.persisted.set(id, this.key(s));
        } else {
          await rm(path, { force: true });
          this.persisted.delete(id);
        }
      }
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** Waits for pending writes (shutdown, tests). */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight.values()]);
  }

  override async close(): Promise<void> {
    await this.settle();
  }
}
