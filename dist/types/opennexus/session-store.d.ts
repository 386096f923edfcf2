import { type CacheState } from './core/cache.js';
import { type LockOptions } from '../store/file-lock.js';
export declare class SessionStore {
    readonly dir: string;
    readonly path: string;
    constructor(dir: string, agentId: Uint8Array);
    /** A consistent snapshot (files are replaced atomically, so no lock is needed to read). */
    read(): Promise<CacheState>;
    /**
     * Applies `fn` to the current cache under the lock; writes only if `fn` returns a new cache.
     */
    update<T>(fn: (cache: CacheState) => {
        cache?: CacheState;
        result: T;
    }, lock?: LockOptions): Promise<T>;
    /** Serialises handshakes with one peer across processes (see OpenNexusClient.send). */
    handshakeLock<T>(peerId: Uint8Array, fn: () => Promise<T>): Promise<T>;
}
