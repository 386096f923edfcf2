import { type JournalFs } from './journal-files.js';
export { WRITE_DURABLE, ZEROED, nodeFs, type JournalFile, type JournalFs } from './journal-files.js';
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
