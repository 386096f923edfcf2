export declare class LockTimeoutError extends Error {
    constructor(path: string);
}
export declare function withFileLock<T>(path: string, fn: () => Promise<T>, opts?: {
    timeoutMs?: number;
    staleMs?: number;
}): Promise<T>;
