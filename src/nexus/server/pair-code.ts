/**
 * Pairing codes `WORD-WORD-XXXXX` (nexus spec §2.9): two words from our list and a 5-character
 * Crockford Base32 tail (no I, L, O, U), from a CSPRNG passed in. Input is case-insensitive.
 */
import { WORDS } from './words.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Uniform integer in [0, n) by rejection sampling over 16-bit draws. */
export function uniform(n: number, random: (bytes: number) => Uint8Array): number {
  const limit = 65536 - (65536 % n);
  for (;;) {
    const b = random(2);
    const v = (b[0]! << 8) | b[1]!;
    if (v < limit) return v % n;
  }
}

export function generatePairCode(random: (bytes: number) => Uint8Array): string {
  const w1 = WORDS[uniform(WORDS.length, random)]!;
  const w2 = WORDS[uniform(WORDS.length, random)]!;
  let tail = '';
  for (let i = 0; i < 5; i++) tail += CROCKFORD[uniform(32, random)];
  return `${w1}-${w2}-${tail}`;
}

export const PAIR_CODE_BITS = 2 * Math.log2(WORDS.length) + 25;

/** Canonical (upper-case) form, or null when it cannot be a code (so lookups stay cheap). */
export function normalizePairCode(input: string): string | null {
  const c = input.trim().toUpperCase();
  return /^[A-Z]{2,12}-[A-Z]{2,12}-[0-9A-Z]{4,8}$/.test(c) ? c : null;
}
