/**
 * Bounds on what strangers can make an agent store or send (pure; the clock is passed in).
 * A HELLO is self-signed, so fresh identities cost an attacker nothing: without these, a HELLO
 * flood grows the session cache without limit and makes the agent POST a HELLO_ACK to any URL
 * named in each one, and forged DATA makes it POST resets.
 *
 * - A session is *confirmed* once it carried authenticated DATA, or when we started it. A
 *   session made by a HELLO from a peer we had no confirmed session with is *pending*.
 * - At most MAX_PENDING pending sessions and MAX_SESSIONS in all; the least recently used goes.
 * - HELLOs from new peers are answered at most HELLO_BURST per HELLO_WINDOW_MS.
 * - Resets: one per (peer, session), at most RESETS_PER_PEER per peer and RESETS_TOTAL in all
 *   per RESET_INTERVAL_MS.
 */
import type { CacheState } from './cache.js';
export declare const MAX_SESSIONS = 1024;
export declare const MAX_PENDING = 64;
/** Handshakes we began and that are not answered yet (one per peer). */
export declare const MAX_OWN_PENDING = 256;
export declare const HELLO_BURST = 20;
export declare const HELLO_WINDOW_MS = 10000;
export declare const RESET_INTERVAL_MS = 30000;
export declare const RESETS_PER_PEER = 2;
export declare const RESETS_TOTAL = 20;
/** Is this peer one we already talk to (so its HELLO is not a stranger's)? */
export declare function isKnownPeer(cache: CacheState, peer: string): boolean;
/** May a HELLO from a new peer be answered now? Counts pending sessions made in the window. */
export declare function helloAllowed(cache: CacheState, now: number): boolean;
/** Evicts least recently used sessions (pending first) until the caps hold. Mutates `cache`. */
export declare function enforceCaps(cache: CacheState): void;
export type ResetDecision = 'send' | 'same_session' | 'peer_limit' | 'total_limit';
/** Whether a reset about (peer, session) may go out now; records it when it may. Mutates `cache`. */
export declare function takeReset(cache: CacheState, peer: string, sessionId: string, now: number): ResetDecision;
