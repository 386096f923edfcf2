import type { Identity } from './identity.js';
import { type Envelope, type ResetMessage } from './wire.js';
export declare const REASON_DECRYPT_FAILED = 1;
export declare const REASON_SESSION_MISMATCH = 2;
export declare const REASON_UNKNOWN = 255;
export declare function resetSigInput(senderId: Uint8Array, receiverId: Uint8Array, sessionId: Uint8Array, reason: number): Uint8Array;
export declare function createSignedReset(self: Identity, peerId: Uint8Array, sessionId: Uint8Array, reason: number): ResetMessage;
/** opennexus spec §4.5 _handle_signed_reset: any failed check means "ignore silently" (null). */
export declare function verifySignedReset(msg: Envelope, selfId: Uint8Array): {
    senderId: Uint8Array;
    senderPublicKey: string;
    sessionId: Uint8Array;
    reason: number;
} | null;
/** TAG_RESET || lp(session_id) || lp(u16(reason)): 56 bytes. */
export declare function buildResetPayload(sessionId: Uint8Array, reason: number): Uint8Array;
/**
 * Classifies a decrypted plaintext as the reference does: the tag, then exactly two lp fields,
 * a 32-byte session id and a 1- or 2-byte reason. Whether the session id matches is the
 * caller's decision (we require it; the reference does not, opennexus spec §9.7).
 */
export declare function parseResetPayload(plaintext: Uint8Array): {
    sessionId: Uint8Array;
    reason: number;
} | null;
