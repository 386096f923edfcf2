import type { Effects } from './sessions.js';
export declare const hex: (b: Uint8Array) => string;
/**
 * Whether `key` hashes to `keyHash` (nexus spec §2.1: only a SHA-256 of a session key is kept).
 * Digests, not keys, are compared, without an early exit; the one-shot hash costs a third of
 * createHash's on every keyed request.
 */
export declare function keyMatches(key: string, keyHash: string): boolean;
export interface ServerEffects {
    /** Effects for one request, at the current time. */
    effects: () => Effects;
    random: (bytes: number) => Uint8Array;
    randomHex: (bytes: number) => string;
}
export declare function serverEffects(now: () => number, injected?: (bytes: number) => Uint8Array): ServerEffects;
