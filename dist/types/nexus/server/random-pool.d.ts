export declare function pooledRandom(poolSize?: number): (bytes: number) => Uint8Array;
/**
 * Random hex strings (ids, keys) from the same kind of pool: the pool is turned into hex once
 * per refill, and each caller gets its own slice of it.
 */
export declare function pooledRandomHex(poolSize?: number): (bytes: number) => string;
