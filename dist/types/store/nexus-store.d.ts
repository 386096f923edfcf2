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
export declare class MemoryNexusStore implements NexusStore {
    protected readonly maxMessagesPerSession: number;
    protected readonly sessions: Map<string, SessionRecord>;
    private readonly messages;
    private readonly pairs;
    private total;
    constructor(maxMessagesPerSession?: number);
    getSession(id: string): Promise<SessionRecord | null>;
    updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): Promise<T>;
    /** Hook for persistence. */
    protected changed(_id: string, _s: SessionRecord | null): void;
    listSessions(): Promise<SessionRecord[]>;
    private append;
    messagesAfter(sessionId: string, after: number, limit: number): Promise<StoredMessage[]>;
    messageCount(): Promise<number>;
    getPair(code: string): Promise<PairRecord | null>;
    updatePair<T>(code: string, fn: (p: PairRecord | null) => Update<T, PairRecord>): Promise<T>;
    pairsOf(sessionId: string): Promise<PairRecord[]>;
    close(): Promise<void>;
}
/**
 * Session metadata as one small JSON file per session (`<dir>/sessions/<id>.json`), replaced
 * atomically. Writes are coalesced per session: at most one in flight, the latest state wins.
 * A change that only slides expiresAt is written at most once a minute (a restart may then
 * expire a session up to a minute early).
 */
export declare class FileNexusStore extends MemoryNexusStore {
    private readonly dir;
    private readonly inFlight;
    private readonly dirty;
    private readonly persisted;
    constructor(dataDir: string, maxMessagesPerSession?: number);
    /** Loads every unexpired session from disk. */
    load(now: number): Promise<number>;
    /** What decides a write: everything but a sub-minute expiry slide. */
    private key;
    protected changed(id: string, s: SessionRecord | null): void;
    private flush;
    /** Waits for pending writes (shutdown, tests). */
    settle(): Promise<void>;
    close(): Promise<void>;
}
