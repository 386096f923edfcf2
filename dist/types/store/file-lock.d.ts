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
