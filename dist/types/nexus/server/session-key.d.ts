export declare function hashSessionKey(key: string): string;
export declare const RECENT_KEYS_MAX = 4096;
/** Whether `key` hashes to `keyHash`. Digests, not keys, are compared, without an early exit. */
export declare function keyMatches(key: string, keyHash: string): boolean;
