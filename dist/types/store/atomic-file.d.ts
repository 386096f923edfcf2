import { type Files } from './files.js';
/** Creates a directory (and parents) readable only by the owner. */
export declare function ensurePrivateDir(dir: string, files?: Files): Promise<void>;
/**
 * Creates the directory if needed and checks that it may be written (a path under a regular
 * file, a read-only mount, missing permissions fail here), so callers can refuse before they
 * change anything elsewhere. A full disk is found by the caller's first write, which comes
 * before any request (the opennexus outbox is written first). Throws the file system's error.
 */
export declare function probeWritable(dir: string, files?: Files): Promise<void>;
export interface AtomicWriteOptions {
    /** false skips the fsync: still atomic against a crashing process, not against power loss; for data that is cheap to lose and written often. */
    sync?: boolean;
    /** Skips creating the folder (the caller just did). */
    dirExists?: boolean;
    files?: Files;
}
export declare function writeFileAtomic(path: string, text: string, opts?: AtomicWriteOptions): Promise<void>;
/** The file's text, or null when it does not exist. */
export declare function readTextOrNull(path: string, files?: Files): Promise<string | null>;
