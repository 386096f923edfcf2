import { CodedError } from '../errors.js';
import { type Files } from './files.js';
export declare class LockTimeoutError extends CodedError {
    constructor(path: string);
}
/** A generation file that cannot be parsed is stale after this long. */
export declare const UNREADABLE_STALE_MS = 3000;
export interface LockOptions {
    /** How long to wait for a live holder before LockTimeoutError. */
    timeoutMs?: number;
    unreadableStaleMs?: number;
    /** Stops waiting (with LockTimeoutError) when aborted. */
    signal?: AbortSignal;
    /** Who does the file operations (files.ts); the thread pool by default. */
    files?: Files;
}
export declare function withFileLock<T>(path: string, fn: () => Promise<T>, opts?: LockOptions): Promise<T>;
export type HeldLock = {
    held: true;
    release(): Promise<void>;
} | {
    held: false;
    holderPid: number | null;
};
/**
 * Takes the lock for as long as the caller lives (until release()), without waiting for a live
 * holder: `held: false` names it instead. A holder that died (kill -9) is taken over. Used for
 * a server's data directory, which two servers must never write at once (data-dir-lock.ts).
 */
export declare function holdFileLock(path: string, opts?: Omit<LockOptions, 'timeoutMs' | 'signal'>): Promise<HeldLock>;
