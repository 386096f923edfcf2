/** Creates a directory (and parents) readable only by the owner. */
export declare function ensurePrivateDir(dir: string): Promise<void>;
/**
 * Creates the directory if needed and proves it takes a file (a read-only install, a path under
 * a regular file, a full disk all fail here), so callers can refuse before they change anything
 * elsewhere. Throws the file system's error.
 */
export declare function probeWritable(dir: string): Promise<void>;
/**
 * `sync: false` skips the fsync: still atomic against a crashing process, not against power
 * loss; for data that is cheap to lose and written often.
 */
export declare function writeFileAtomic(path: string, text: string, opts?: {
    sync?: boolean;
}): Promise<void>;
/** The file's text, or null when it does not exist. */
export declare function readTextOrNull(path: string): Promise<string | null>;
