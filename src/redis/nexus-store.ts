/**
 * The session store on Redis (store/nexus-store.ts NexusStore), shared by every instance of
 * the session server. An update reads the record and its version, runs the pure transition
 * and writes with one script that first checks the version (optimistic concurrency: when
 * another instance changed the record in between, the transition runs again on the new one,
 * as NexusStore.updateSession allows). The script also appends the messages with the cursors
 * the transition assigned, applies the byte budgets, slides the key expiry and keeps the
 * indexes and counters, so nothing is half-done (redis/nexus-scripts.ts has the key layout).
 *
 * Durability is Redis's: a write is answered once Redis has applied it; whether it survives a
 * Redis restart is the operator's persistence setting (appendonly, fsync policy).
 */
import { StorageUnavailable, type NexusStore, type PairRecord, type SessionRecord, type StoreCounts, type StoredMessage, type Update, type MessageBudget } from '../store/nexus-store.ts';
import { DEFAULT_MESSAGE_BUDGET } from '../store/memory-nexus-store.ts';
import type { RedisConn } from './connection.ts';
import { DELETE_EXPIRED, DELETE_EXPIRED_PAIRS, UPDATE_PAIR, UPDATE_SESSION } from './nexus-scripts.ts';

/** Redis drops a session's keys this long after its expiry, should no sweep have run by then. */
export const KEY_GRACE_MS = 3_600_000;
/** A pairing code's record outlives its expiry as a tombstone (nexus spec §2.2, sweep.ts). */
const PAIR_KEEP_MS = 2 * 3_600_000;
/**
 * A poll or send that only moves lastSeenAt and the sliding expiry forward by less than this is
 * not written (the store/nexus-file-store.ts idea, at a finer grain): back-to-back polls would
 * otherwise each cost a write. A session may so expire up to this much early.
 */
export const LAZY_TOUCH_MS = 1_000;

/** Whether `next` differs from `prev` only in times that moved forward by less than LAZY_TOUCH_MS. */
function onlyTouched(prev: SessionRecord, next: SessionRecord): boolean {
  const close = (a: number, b: number) => b >= a && b - a < LAZY_TOUCH_MS;
  if (!close(prev.expiresAt, next.expiresAt) || prev.headCursor !== next.headCursor || prev.agents.length !== next.agents.length) return false;
  if (prev.ttl !== next.ttl || prev.maxAgents !== next.maxAgents || prev.cronReminderSent !== next.cronReminderSent || prev.greeting !== next.greeting || prev.creatorAgentId !== next.creatorAgentId) return false;
  return prev.agents.every((a, i) => {
    const b = next.agents[i]!;
    return a.agentId === b.agentId && a.keyHash === b.keyHash && a.keyRequired === b.keyRequired && a.joinedAt === b.joinedAt && close(a.lastSeenAt, b.lastSeenAt);
  });
}

/** Changes that lost the race this many times in a row give up (503): the record is too hot. */
const MAX_ATTEMPTS = 64;

const decode = (m: string): StoredMessage => JSON.parse(m) as StoredMessage;

export class RedisNexusStore implements NexusStore {
  private readonly budget: MessageBudget;
  /** The keys of this store: its prefix plus `nx:`, so other data can share the prefix. */
  private readonly P: string;

  constructor(
    private readonly redis: RedisConn,
    budget: Partial<MessageBudget> = {},
  ) {
    this.budget = { ...DEFAULT_MESSAGE_BUDGET, ...budget };
    this.P = redis.key('nx:');
  }

  private async read(kind: 's' | 'p', id: string): Promise<{ rec: string | null; v: string }> {
    const [rec, v] = await this.redis.call((c) => c.hmGet(`${this.P}${kind}:${id}`, ['rec', 'v']));
    return { rec: rec ?? null, v: v ?? '0' };
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const { rec } = await this.read('s', id);
    return rec ? (JSON.parse(rec) as SessionRecord) : null;
  }

  async updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): Promise<T> {
    const b = this.budget;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { rec, v } = await this.read('s', id);
      const prev = rec ? (JSON.parse(rec) as SessionRecord) : null;
      const u = fn(prev);
      const op = u.next === null ? 'del' : u.next ? 'set' : 'keep';
      if ((op === 'keep' && !u.append?.length) || (op === 'del' && !prev) || (op === 'keep' && !prev)) return u.result;
      if (op === 'set' && prev && !u.append?.length && onlyTouched(prev, u.next!)) return u.result;
      const next = u.next ?? prev!;
      const appended = (u.append ?? []).flatMap((m) => [String(m.cursor), JSON.stringify(m)]);
      const args = [this.P, id, v, op, op === 'set' ? JSON.stringify(next) : '', next.expiresAt, next.agents.length, next.expiresAt + KEY_GRACE_MS, b.maxPerSession, b.maxBytesPerSession, b.maxBytesTotal, ...appended];
      if ((await this.redis.script<number>(UPDATE_SESSION, [], args)) !== -1) return u.result;
    }
    throw new StorageUnavailable('contention', `session ${id} changed ${MAX_ATTEMPTS} times while this change was tried; retry`);
  }

  /** Only the in-memory quota counts sessions at start-up; on Redis the quota is in Redis (redis/quota.ts). */
  async listSessions(): Promise<SessionRecord[]> {
    return [];
  }

  async messagesAfter(sessionId: string, after: number, limit: number, maxBytes: number): Promise<{ messages: StoredMessage[]; more: boolean }> {
    const key = `${this.P}m:${sessionId}`;
    const [greet, kept] = await this.redis.call((c) =>
      Promise.all([after < 0 ? c.hGet(`${this.P}s:${sessionId}`, 'greet') : Promise.resolve(null), c.zRangeByScore(key, `(${after}`, '+inf', { LIMIT: { offset: 0, count: limit + 1 } })]),
    );
    const out: StoredMessage[] = [];
    let bytes = 0;
    if (greet) {
      out.push(decode(greet));
      bytes = Buffer.byteLength(out[0]!.wire);
    }
    for (const member of kept) {
      const m = decode(member);
      const size = Buffer.byteLength(m.wire);
      if (out.length >= limit || (out.length > 0 && bytes + size > maxBytes)) return { messages: out, more: true };
      out.push(m);
      bytes += size;
    }
    return { messages: out, more: false };
  }

  async counts(): Promise<StoreCounts> {
    const [sessions, counts] = await this.redis.call((c) => Promise.all([c.zCard(`${this.P}exp`), c.hmGet(`${this.P}counts`, ['agents', 'messages'])]));
    return { sessions, agents: Number(counts[0] ?? 0), messages: Number(counts[1] ?? 0) };
  }

  async deleteExpired(t: number, max: number): Promise<{ ids: string[]; more: boolean }> {
    const [more, ...ids] = await this.redis.script<[number, ...string[]]>(DELETE_EXPIRED, [], [this.P, t, max]);
    return { ids, more: more === 1 };
  }

  async getPair(code: string): Promise<PairRecord | null> {
    const { rec } = await this.read('p', code);
    return rec ? (JSON.parse(rec) as PairRecord) : null;
  }

  async updatePair<T>(code: string, fn: (p: PairRecord | null) => Update<T, PairRecord>): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { rec, v } = await this.read('p', code);
      const prev = rec ? (JSON.parse(rec) as PairRecord) : null;
      const { next, result } = fn(prev);
      if (next === undefined || (next === null && !prev)) return result;
      const args = next === null ? [this.P, code, v, 'del'] : [this.P, code, v, 'set', JSON.stringify(next), next.expiresAt, next.sessionId, next.expiresAt + PAIR_KEEP_MS];
      if ((await this.redis.script<number>(UPDATE_PAIR, [], args)) !== -1) return result;
    }
    throw new StorageUnavailable('contention', `pairing code changed ${MAX_ATTEMPTS} times while this change was tried; retry`);
  }

  async pairsOf(sessionId: string): Promise<PairRecord[]> {
    const codes = await this.redis.call((c) => c.sMembers(`${this.P}ps:${sessionId}`));
    const recs = await Promise.all(codes.map((code) => this.getPair(code)));
    return recs.filter((p): p is PairRecord => p !== null);
  }

  async deleteExpiredPairs(t: number, max: number): Promise<{ count: number; more: boolean }> {
    const [more, count] = await this.redis.script<[number, number]>(DELETE_EXPIRED_PAIRS, [], [this.P, t, max]);
    return { count, more: more === 1 };
  }

  health(): 'ok' | 'unavailable' {
    return this.redis.ready ? 'ok' : 'unavailable';
  }

  /** The connection belongs to whoever opened it (server.ts), which closes it. */
  async close(): Promise<void> {}
}
