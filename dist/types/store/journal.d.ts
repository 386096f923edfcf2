/** The few file operations the journal uses; tests pass one that fails on demand. */
export interface JournalFile {
    /** Set when a write returns only once its data is on disk (O_DSYNC): no datasync is needed. */
    readonly durable?: boolean;
    /** Writes at `position` (a journal's own bytes are placed, never appended: see ZEROED). */
    write(data: Uint8Array, position?: number): Promise<{
        bytesWritten: number;
    }>;
    datasync(): Promise<void>;
    sync(): Promise<void>;
    truncate(len: number): Promise<void>;
    close(): Promise<void>;
}
export interface JournalFs {
    open(path: string, flags: string | number, mode?: number): Promise<JournalFile>;
    readFile(path: string): Promise<string>;
    readdir(path: string): Promise<string[]>;
    rename(from: string, to: string): Promise<void>;
    rm(path: string, opts?: {
        recursive?: boolean;
        force?: boolean;
    }): Promise<void>;
    mkdir(path: string): Promise<void>;
}
/**
 * Create, write, and (where there is one) O_DSYNC: every write is durable when it returns.
 * Not O_APPEND: lines are written at their place in a file zeroed ahead of them (ZEROED).
 */
export declare const WRITE_DURABLE: string | number;
/**
 * A journal file is zeroed this far ahead of its lines (written and made durable once), so a
 * line's durable write changes no file size or block map: the file system writes the data and
 * commits no metadata, about a third less work per batch (as databases do with their WAL
 * segments). A reader stops at the first NUL: JSON lines never hold one.
 */
export declare const ZEROED: number;
export declare const nodeFs: JournalFs;
export declare class Journal {
    private readonly dir;
    private readonly fs;
    private fh;
    private gen;
    /** Bytes of the current journal file known to be complete. */
    private size;
    /** Bytes of the current file zeroed and durable (lines go below this). */
    private zeroed;
    private next;
    private writing;
    private ok;
    /** Journal bytes written since the last snapshot (decides when to compact). */
    bytesSinceSnapshot: number;
    snapshotBytes: number;
    constructor(dir: string, fs?: JournalFs);
    get available(): boolean;
    /**
     * Reads the snapshot and every journal it does not include, calling `apply` per record in
     * order (a torn or unreadable line is skipped), and removes leftover temp files.
     */
    load(apply: (record: unknown) => void): Promise<void>;
    /** Appends lines (each ending in "\n") and resolves once they are on disk. */
    append(data: string): Promise<void>;
    private pump;
    private openCurrent;
    /**
     * Zeroes the file from its end to past `need` (ZEROED more), durably. Best effort: a disk
     * too full for the zeros may still take the lines, written at the file's end as usual.
     */
    private zeroAhead;
    /**
     * After a failed write: cut the file back to its last complete line (what lay beyond is
     * zeroed again before the next write), or start a new one.
     */
    private cutOff;
    /** Waits until nothing is being written. */
    idle(): Promise<void>;
    /**
     * Writes a snapshot of `lines()` (an async iterable, so a large state is produced in slices;
     * called synchronously at the switch of files) and drops the journals it includes. New appends go to a new journal file from the moment
     * this starts, so the snapshot (taken while writes go on) plus that journal is complete.
     * Throws StorageUnavailable on failure, leaving every journal in place.
     */
    compact(lines: () => AsyncIterable<string>): Promise<void>;
    /** Makes the rename itself durable (best effort: not every file system allows it). */
    private syncDir;
    close(): Promise<void>;
}
