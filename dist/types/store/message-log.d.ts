/**
 * The session server's messages in memory (nexus spec §2.2: the reference does not persist
 * them; FileNexusStore also keeps them in its journal, message-journal.ts), with byte budgets:
 * per session (count and bytes) and for all sessions together. Each message is kept as its
 * poll view already serialised (`wire`), so a poll only joins strings and the
 * budget counts exactly the bytes a poll sends (UTF-8; V8 holds at most twice that).
 *
 * When a budget is exceeded the OLDEST messages go, as with the count-based retention the
 * reference has: a new message is never refused for lack of room, so a member who stopped
 * polling cannot stall a conversation; a member far behind misses the oldest messages. The
 * greeting (cursor 0) is kept outside these budgets: its size is bounded at create time and
 * charged to the session-storage quota instead.
 */
export interface StoredMessage {
    cursor: number;
    /** The message as a poll returns it, serialised once when it was stored. */
    wire: string;
    /** The agent whose message it is (a greeting's creator); none for the server's own. */
    author?: string;
}
export interface MessageBudget {
    /** Messages kept per session, the greeting not counted. */
    maxPerSession: number;
    /** Bytes kept per session (the newest message is always kept). */
    maxBytesPerSession: number;
    /** Bytes kept for all sessions together. */
    maxBytesTotal: number;
}
export declare class MessageLog {
    private readonly budget;
    private readonly lists;
    private oldest;
    private newest;
    /** Bytes of all kept messages, greetings excluded. */
    bytes: number;
    /** Messages ever appended (the stats endpoint's totalMessages). */
    appended: number;
    private seq;
    /** Bytes of messages ever dropped (budget, expiry): what a journal snapshot would shed. */
    droppedBytes: number;
    constructor(budget: MessageBudget);
    append(sid: string, messages: StoredMessage[]): void;
    private kept;
    /** Drops a session's oldest message; it is also the oldest of that session in global order. */
    private dropOldest;
    private unlink;
    /**
     * Messages with cursor > after, ascending: at most `limit`, and no more than `maxBytes`
     * together unless the first alone is larger (a poll always makes progress). `more` says
     * whether messages were left out.
     */
    after(sid: string, after: number, limit: number, maxBytes: number): {
        messages: StoredMessage[];
        more: boolean;
    };
    /**
     * Every kept message as a journal snapshot writes it: session by session (greeting first,
     * then in cursor order), each with its arrival number, so a reload can replay them through
     * append() in arrival order and keep the same ones (the global budget drops the globally
     * oldest). One session per step: the caller yields between steps, and no step walks the
     * global list (a million messages took ~100 ms in one go).
     */
    entries(): Generator<{
        sid: string;
        m: StoredMessage;
        seq: number;
    }[]>;
    /** Forgets a session's messages (it expired). */
    drop(sid: string): void;
}
