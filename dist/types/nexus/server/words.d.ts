/**
 * Our own pairing word list (nexus spec §2.9: the reference list is not public): 265 common,
 * inoffensive English words of 3-8 letters: two words and a 5-character Crockford tail give
 * 2 x log2(265) + 25 = 41 bits, above the 40 the protocol asks for.
 */
export declare const WORDS: readonly string[];
