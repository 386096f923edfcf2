import { type JournalFs } from './journal.js';
import { MemoryNexusStore } from './memory-nexus-store.js';
import type { MaybePromise } from '../maybe-promise.js';
import type { MessageBudget, SessionRecord, Update } from './nexus-store.js';
export interface FileStoreOptions {
    budget?: Partial<MessageBudget>;
    /** File operations (tests inject failures). */
    fs?: JournalFs;
    /** How often lazy changes are written and the journal compacted (ms). */
    flushEveryMs?: number;
    /** Journal bytes after which a snapshot replaces the journals (at least the snapshot's size). */
    compactAfterBytes?: number;
}
export declare class FileNexusStore extends MemoryNexusStore {
    private readonly dataDir;
    private readonly opts;
    private readonly journal;
    private readonly fs;
    private readonly flights;
    private readonly dirty;
    /** MessageLog.droppedBytes when the last snapshot was taken. */
    private droppedAtSnapshot;
    /** The last compaction failed: the next is tried by the timer, not by every write. */
    private compactFailed;
    private maintaining;
    private timer;
    constructor(dataDir: string, opts?: FileStoreOptions);
    /**
     * Loads every unexpired session and its messages (in stored order, through the same budgets
     * as in memory), cleans leftovers, compacts; returns how many sessions were loaded.
     */
    load(now: number): Promise<number>;
    /** `sessions/<id>.json`, the layout before the journal; removed once a snapshot holds it. */
    private loadLegacy;
    updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): MaybePromise<T>;
    /** What must be on disk before a change is applied (session-flights.ts). */
    private writeKind;
    /** A material change writes the whole record (the greeting only when new); each message its line. */
    private write;
    /** Journal bytes after which a snapshot replaces the journals. */
    private journalLimit;
    protected apply<T>(id: string, u: Update<T, SessionRecord>): T;
    protected deletable(id: string): boolean;
    /** Writes lazy changes, then compacts when the journals outgrow the snapshot or are mostly dead. */
    private maintain;
    private compact;
    private flushDirty;
    /**
     * Every session with its greeting, then every message the budgets keep (MessageLog.entries:
     * session by session, each with its arrival number), in slices that yield to requests.
     */
    private snapshotLines;
    health(): 'ok' | 'unavailable';
    close(): Promise<void>;
}
