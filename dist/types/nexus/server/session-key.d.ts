export declare function hashSessionKey(key: string): string;
/**
 * Whether `key` hashes to `keyHash`. Digests, not keys, are compared, without an early exit.
 * SHA-256 is the crypto module's (noble): ~1-2 us per keyed request, ~3x node's one-shot hash.
 */
export declare function keyMatches(key: string, keyHash: string): boolean;
