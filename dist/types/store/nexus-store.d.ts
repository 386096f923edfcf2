import { type MessageBudget, type StoredMessage } from './message-log.js';
export type { MessageBudget, StoredMessage } from './message-log.js';
export interface AgentRecord {
    agentId: string;
    joinedAt: number;
    lastSeenAt: number;
    /** SHA-256 (hex) of the agent's session key; the key itself is never stored. */
    keyHash: string;
    /**
     * Where this agent must present its key, learnt from the agent itself: `send` once it sent
     * a valid key with a message, `all` once it did so on a poll or renew (auth.ts).
     */
    keyRequired?: 'send' | 'all';
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
    /** Highest cursor ever assigned; cursors continue above it after a restart (nexus spec §2.2). */
    headCursor: number;
    cronReminderSent: boolean;
}
export interface PairRecord {
    code: string;
    sessionId: string;
    createdAt: number;
    expiresAt: number;
    claimedBy?: string;
    claimedAt?: number;
    /** Created by a member presenting its session key: anonymous creations never evict it. */
    keyed?: boolean;
}
export interface Update<T, R> {
    /** The new value; null deletes; undefined leaves it unchanged. */
    next?: R | null;
    result: T;
    /** Messages to append in the same atomic step (their cursors were assigned from `next`). */
    append?: StoredMessage[];
}
export interface StoreCounts {
    sessions: number;
    agents: number;
    messages: number;
}
/**
 * The store could not make a change durable (a full disk, a read-only or unwritable DATA_DIR).
 * Nothing was changed; reads keep working and a later write is tried again.
 */
export declare class StorageUnavailable extends Error {
    readonly code: string;
    constructor(code: string, message: string);
}
export interface NexusStore {
    getSession(id: string): Promise<SessionRecord | null>;
    /**
     * Atomic read-modify-write of one session. Resolves once the change is as durable as the
     * store makes it; rejects with StorageUnavailable (and changes nothing) when it cannot be.
     */
    updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): Promise<T>;
    /** Every session: for start-up bookkeeping only, never on a request path. */
    listSessions(): Promise<SessionRecord[]>;
    /** Messages with cursor > after, ascending, at most `limit` and about `maxBytes` (MessageLog.after). */
    messagesAfter(sessionId: string, after: number, limit: number, maxBytes: number): Promise<{
        messages: StoredMessage[];
        more: boolean;
    }>;
    counts(): Promise<StoreCounts>;
    /** Deletes up to `max` sessions expired at `t`, in expiry order; returns their ids and whether more are due. */
    deleteExpired(t: number, max: number): Promise<{
        ids: string[];
        more: boolean;
    }>;
    getPair(code: string): Promise<PairRecord | null>;
    updatePair<T>(code: string, fn: (p: PairRecord | null) => Update<T, PairRecord>): Promise<T>;
    pairsOf(sessionId: string): Promise<PairRecord[]>;
    /** Deletes up to `max` pairing codes with expiresAt <= t; returns how many and whether more are due. */
    deleteExpiredPairs(t: number, max: number): Promise<{
        count: number;
        more: boolean;
    }>;
    /** 'unavailable' after a failed write, until a write succeeds again. */
    health(): 'ok' | 'unavailable';
    close(): Promise<void>;
}
export declare const DEFAULT_MESSAGE_BUDGET: MessageBudget;
export declare class MemoryNexusStore implements NexusStore {
    protected readonly sessions: Map<string, SessionRecord>;
    private readonly log;
    private readonly pairs;
    private readonly pairsBySession;
    /** One live entry per session: `heapAt` holds its time; other entries are stale. */
    private readonly sessionExpiry;
    private readonly heapAt;
    private readonly pairExpiry;
    private agentCount;
    constructor(budget?: Partial<MessageBudget>);
    getSession(id: string): Promise<SessionRecord | null>;
    updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): Promise<T>;
    /** Applies an update in memory and keeps the indexes and counters in step. */
    protected apply<T>(id: string, u: Update<T, SessionRecord>): T;
    listSessions(): Promise<SessionRecord[]>;
    messagesAfter(sessionId: string, after: number, limit: number, maxBytes: number): Promise<{
        messages: StoredMessage[];
        more: boolean;
    }>;
    counts(): Promise<StoreCounts>;
    /** Whether a session may be deleted by the sweep now (FileNexusStore: not while a write is pending). */
    protected deletable(_id: string): boolean;
    deleteExpired(t: number, max: number): Promise<{
        ids: string[];
        more: boolean;
    }>;
    getPair(code: string): Promise<PairRecord | null>;
    updatePair<T>(code: string, fn: (p: PairRecord | null) => Update<T, PairRecord>): Promise<T>;
    private unindexPair;
    pairsOf(sessionId: string): Promise<PairRecord[]>;
    deleteExpiredPairs(t: number, max: number): Promise<{
        count: number;
        more: boolean;
    }>;
    health(): 'ok' | 'unavailable';
    close(): Promise<void>;
}
