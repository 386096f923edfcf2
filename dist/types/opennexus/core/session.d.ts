/**
 * Receive-side replay window. The reference accepts only counters above the highest seen
 * (opennexus spec §4.5), so two concurrent senders whose POSTs cross lose messages. We also accept a
 * not-yet-seen counter up to 63 below the highest, which still rejects every replay.
 */
export declare const RX_WINDOW = 64n;
export interface Session {
    sessionId: Uint8Array;
    txKey: Uint8Array;
    rxKey: Uint8Array;
    /** Next counter to send. */
    txCounter: bigint;
    /** Highest counter accepted, -1 before the first. */
    rxCounter: bigint;
    /** Bit k set: counter rxCounter-k was accepted. */
    rxWindow: bigint;
    peerPublicKey: string;
    localEphemeralPublicKey: string;
    peerEphemeralPublicKey: string;
    /** Carried authenticated DATA, or we started it (core/limits.ts). */
    confirmed: boolean;
    /** When it was last used (ms), for least-recently-used eviction; set by the caller. */
    lastUsedMs: number;
}
export interface SessionMaterial {
    orderedIds: Uint8Array;
    orderedEph: Uint8Array;
    salt: Uint8Array;
    info: Uint8Array;
    keyMaterial: Uint8Array;
    lowerKey: Uint8Array;
    higherKey: Uint8Array;
    sessionId: Uint8Array;
}
/** opennexus spec §2 "Session derivation": note that info has no length prefixes. */
export declare function sessionMaterial(shared: Uint8Array, idA: Uint8Array, idB: Uint8Array, ephA: Uint8Array, ephB: Uint8Array): SessionMaterial;
export interface DeriveInput {
    selfId: Uint8Array;
    peerId: Uint8Array;
    ownEphPrivate: Uint8Array;
    peerEphPublic: Uint8Array;
    peerPublicKey: Uint8Array;
}
/** Who initiated makes no difference: the smaller agent id writes with the lower key. */
export declare function deriveSession(input: DeriveInput): Session;
/** opennexus spec §2: 00 00 00 00 || uint64_be(counter). */
export declare function nonceFor(counter: bigint): Uint8Array;
export declare function dataAad(sessionId: Uint8Array, senderId: Uint8Array, receiverId: Uint8Array): Uint8Array;
/**
 * Seals a payload at the session's tx counter and returns the session with the counter
 * advanced. The caller must persist `next` before the ciphertext leaves the process, so a
 * (key, nonce) pair is never used twice (opennexus spec §4.2 step 4).
 */
export declare function sealData(s: Session, plaintext: Uint8Array, selfId: Uint8Array, peerId: Uint8Array): {
    counter: bigint;
    ciphertext: Uint8Array;
    next: Session;
};
export interface InboundData {
    session_id?: string;
    counter?: bigint;
    ciphertext?: string;
}
/**
 * Opens a DATA payload. The checks and their texts follow opennexus spec §4.5 in order; the replay
 * window replaces the reference's strict "counter > rx_counter" (see RX_WINDOW).
 */
export declare function openData(s: Session, msg: InboundData, senderId: Uint8Array, selfId: Uint8Array): {
    plaintext: Uint8Array;
    next: Session;
};
export declare function counterIsFresh(s: Session, counter: bigint): boolean;
/** A session whose rx window is unknown (loaded from a reference cache) treats all <= rx as seen. */
export declare const FULL_WINDOW: bigint;
