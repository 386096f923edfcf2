/** Uniform integer in [0, n) by rejection sampling over 16-bit draws. */
export declare function uniform(n: number, random: (bytes: number) => Uint8Array): number;
export declare function generatePairCode(random: (bytes: number) => Uint8Array): string;
export declare const PAIR_CODE_BITS: number;
/** Canonical (upper-case) form, or null when it cannot be a code (so lookups stay cheap). */
export declare function normalizePairCode(input: string): string | null;
