export declare function hashSessionKey(key: string): string;
/**
 * Whether `key` hashes to `keyHash`. Digests, not keys, are compared, without an early exit;
 * the one-shot hash costs a third of createHash's on every keyed request.
 */
export declare function keyMatches(key: string, keyHash: string): boolean;
