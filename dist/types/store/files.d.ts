export interface WriteOptions {
    mode: number;
    /** Fail with EEXIST if the file exists (O_EXCL). */
    exclusive?: boolean;
    /** fsync before resolving: the text is on disk, not only in the page cache. */
    durable?: boolean;
}
export interface Files {
    readText(path: string): Promise<string>;
    write(path: string, text: string, opts: WriteOptions): Promise<void>;
    /** mkdir -p with `mode` for the folders it creates. */
    makeDirs(path: string, mode: number): Promise<void>;
    /** Rejects unless the process may create files in the folder. */
    checkWritable(dir: string): Promise<void>;
    list(dir: string): Promise<string[]>;
    /** A hard link; EEXIST if `path` exists (what the lock is built on). */
    link(existing: string, path: string): Promise<void>;
    rename(from: string, to: string): Promise<void>;
    /** fsync of a folder: a rename in it is on disk, not only in the journal. */
    syncDir(path: string): Promise<void>;
    /** Deletes a file; nothing if it is not there. */
    remove(path: string): Promise<void>;
    /** Deletes a folder and everything in it; nothing if it is not there. */
    removeTree(path: string): Promise<void>;
    exists(path: string): Promise<boolean>;
    mtimeMs(path: string): Promise<number>;
}
export declare const poolFiles: Files;
export declare const inlineFiles: Files;
