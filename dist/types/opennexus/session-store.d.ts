import { type CacheState } from './core/cache.js';
import { type LockOptions } from '../store/file-lock.js';
import { type Files } from '../store/files.js';
/** What the cache file holds: the cache, whether it was not a cache at all, and how many entries were invalid. */
interface Checked {
    cache: CacheState;
    unreadable: boolean;
    skipped: number;
}
export declare class SessionStore {
    readonly dir: string;
    /** Who does the file work (store/files.ts): inline for one-shot CLI commands, else the thread pool. */
    private readonly files;
    /** Told when a cache file (or entries of it) could not be read and a copy was kept aside. */
    private readonly warn;
    readonly path: string;
    constructor(dir: string, agentId: Uint8Array, 
    /** Who does the file work (store/files.ts): inline for one-shot CLI commands, else the thread pool. */
    files?: Files, 
    /** Told when a cache file (or entries of it) could not be read and a copy was kept aside. */
    warn?: (line: string) => void);
    /** A consistent snapshot (files are replaced atomically, so no lock is needed to read). */
    read(): Promise<CacheState>;
    /** The snapshot, and whether the file (or some entries of it) could not be read: `peers` and `outbox` say so. */
    readChecked(): Promise<Checked>;
    /**
     * Applies `fn` to the current cache under the lock; writes only if `fn` returns a new cache.
     * `durable: false` skips the fsync, for a change that is safe to lose in a power cut (never
     * one that spends a counter).
     */
    update<T>(fn: (cache: CacheState) => {
        cache?: CacheState;
        result: T;
    }, lock?: LockOptions, opts?: {
        durable?: boolean;
    }): Promise<T>;
    /** Serialises handshakes with one peer across processes (see OpenNexusClient.send). */
    handshakeLock<T>(peerId: Uint8Array, fn: () => Promise<T>): Promise<T>;
}
export {};
