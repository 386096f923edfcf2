import { type JournalFs } from './journal.js';
import { MemoryNexusStore } from './memory-nexus-store.js';
import type { MessageBudget, SessionRecord, Update } from './nexus-store.js';
/** Cursors reserved per durable write; after a crash a session's cursors jump by at most this. */
export declare const CURSOR_BLOCK = 256;
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
    private readonly ceilings;
    private readonly locks;
    private readonly dirty;
    private maintaining;
    private timer;
    constructor(dataDir: string, opts?: FileStoreOptions);
    /** Loads every unexpired session, cleans leftovers, compacts; returns how many were loaded. */
    load(now: number): Promise<number>;
    /** `sessions/<id>.json`, the layout before the journal; removed once a snapshot holds it. */
    private loadLegacy;
    updateSession<T>(id: string, fn: (s: SessionRecord | null) => Update<T, SessionRecord>): Promise<T>;
    /** Later transitions on `id` wait for `p`. */
    private hold;
    private step;
    protected apply<T>(id: string, u: Update<T, SessionRecord>): T;
    protected deletable(id: string): boolean;
    /** Writes lazy changes, then compacts when the journals outgrow the snapshot. */
    private maintain;
    private flushDirty;
    /**
     * Every session with its greeting, in slices. `exact`: the ceiling is the head itself (a
     * clean shutdown), so a restart continues at head + 1.
     */
    private snapshotLines;
    health(): 'ok' | 'unavailable';
    close(): Promise<void>;
}
