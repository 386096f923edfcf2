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
export declare const ZEROS: Uint8Array<ArrayBuffer>;
export declare const nodeFs: JournalFs;
export declare function writeAll(fh: JournalFile, text: string): Promise<number>;
/** A journal's lines: its text up to the zeroed rest of the file (ZEROED). */
export declare function untilNul(text: string): string;
export declare function parse(line: string): unknown;
export declare function replay(line: string, apply: (record: unknown) => void): void;
