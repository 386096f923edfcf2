import type { CacheState, PendingHandshake } from './cache.js';
import type { Identity } from './identity.js';
import { type Session } from './session.js';
import { type DataMessage, type Envelope, type HelloMessage } from './wire.js';
export interface BeginInput {
    self: Identity;
    peerId: Uint8Array;
    peerPublicKey: Uint8Array;
    peerUrl: string;
    ownMessengerUrl: string;
    /** A fresh X25519 private key. */
    ephPrivate: Uint8Array;
    now: number;
}
/** A new pending handshake with `peer` (replacing any earlier one) and the HELLO to post. */
export declare function beginHandshake(cache: CacheState, i: BeginInput): {
    cache: CacheState;
    hello: HelloMessage;
};
/** Is `env` the HELLO_ACK for our pending handshake with its sender (cheap checks only)? */
export declare function isAckFor(pending: PendingHandshake, env: Envelope, peer: string): boolean;
export type CompleteResult = {
    ok: true;
    cache: CacheState;
    session: Session;
} | {
    ok: false;
    error: 'no_pending' | 'hello_ack_invalid' | 'derive_failed';
    detail: string;
};
/**
 * Completes the pending handshake that `env` (a HELLO_ACK) answers, into a confirmed session.
 * `pending` defaults to the cache's record; the process that began the handshake passes its
 * own copy, since another process may have completed it (and removed the record) first.
 * Idempotent: if that very session is already in the cache, the cached one, with its
 * counters, is kept.
 */
export declare function completeHandshake(cache: CacheState, env: Envelope, self: Identity, now: number, own?: PendingHandshake): CompleteResult;
/** Forgets the pending handshake with `peer` if it is still `pending` (its HELLO never got out). */
export declare function dropPending(cache: CacheState, peer: string, pending: PendingHandshake): CacheState | undefined;
/** Is `env` a valid signed reset from `peer` naming `sessionId` (opennexus spec §4.5)? */
export declare function isResetFor(env: Envelope, selfId: Uint8Array, peer: string, sessionId: string): boolean;
/** Drops the session with `peer` if it is still `sessionId` (the peer said it lost it). */
export declare function forgetSession(cache: CacheState, peer: string, sessionId: string): CacheState | undefined;
export interface Sealed {
    cache: CacheState;
    data: DataMessage;
}
/**
 * Seals `plaintext` for `peer` at the session's tx counter, advancing it. Returns null when
 * there is no session. The caller must persist `cache` before `data` leaves the process, so
 * a (key, nonce) pair is never used twice (opennexus spec §4.2 step 4).
 */
export declare function sealFor(cache: CacheState, self: Identity, peerId: Uint8Array, plaintext: Uint8Array | string, ownMessengerUrl: string, now: number): Sealed | null;
