import { MessageLog, type MessageBudget, type StoredMessage } from './message-log.js';
import type { MaybePromise } from '../maybe-promise.js';
import type { NexusStore, PairRecord, SessionRecord, StoreCounts, Update } from './nexus-store.js';
export declare const DEFAULT_MESSAGE_BUDGET: MessageBudget;
export declare class MemoryNexusStore implements NexusStore {
    protected readonly sessions: Map<string, SessionRecord>;
    protected readonly log: MessageLog;
    private readonly pairs;
    private readonly pairsBySession;
    /** One live entry per session: `heapAt` holds its time; other entries are stale. */
    private readonly sessionExpiry;
    private readonly heapAt;
    private readonly pairExpiry;
    private agentCount;
    constructor(budget?: Partial<MessageBudget>);
    getSession(id: string): Promise<SessionRecord | null>;
    /** At once: nothing to wait for in memory (no promise on the hot path). */
    updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): MaybePromise<T>;
    /** Applies an update in memory and keeps the indexes and counters in step. */
    protected apply<T>(id: string, u: Update<T, SessionRecord>): T;
    listSessions(): Promise<SessionRecord[]>;
    messagesAfter(sessionId: string, after: number, limit: number, maxBytes: number): MaybePromise<{
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
