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
import { type NexusStore, type PairRecord, type SessionRecord, type StoreCounts, type StoredMessage, type Update, type MessageBudget } from '../store/nexus-store.js';
import type { RedisConn } from './connection.js';
/** Redis drops a session's keys this long after its expiry, should no sweep have run by then. */
export declare const KEY_GRACE_MS = 3600000;
/**
 * A poll or send that only moves lastSeenAt and the sliding expiry forward by less than this is
 * not written (the store/nexus-file-store.ts idea, at a finer grain): back-to-back polls would
 * otherwise each cost a write. A session may so expire up to this much early.
 */
export declare const LAZY_TOUCH_MS = 1000;
export declare class RedisNexusStore implements NexusStore {
    private readonly redis;
    private readonly budget;
    /** The keys of this store: its prefix plus `nx:`, so other data can share the prefix. */
    private readonly P;
    constructor(redis: RedisConn, budget?: Partial<MessageBudget>);
    private read;
    getSession(id: string): Promise<SessionRecord | null>;
    updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): Promise<T>;
    /** Only the in-memory quota counts sessions at start-up; on Redis the quota is in Redis (redis/quota.ts). */
    listSessions(): Promise<SessionRecord[]>;
    messagesAfter(sessionId: string, after: number, limit: number, maxBytes: number): Promise<{
        messages: StoredMessage[];
        more: boolean;
    }>;
    counts(): Promise<StoreCounts>;
    deleteExpired(t: number, max: number): Promise<{
        ids: string[];
        more: boolean;
    }>;
    getPair(code: string): Promise<PairRecord | null>;
    updatePair<T>(code: string, fn: (p: PairRecord | null) => Update<T, PairRecord>): Promise<T>;
    pairsOf(sessionId: string): Promise<PairRecord[]>;
    deleteExpiredPairs(t: number, max: number): Promise<{
        count: number;
        more: boolean;
    }>;
    health(): 'ok' | 'unavailable';
    /** The connection belongs to whoever opened it (server.ts), which closes it. */
    close(): Promise<void>;
}
