/**
 * Resets (opennexus spec §2, §4.5): the signed RESET message and the encrypted reset payload.
 */
import { b64, concat, equalBytes, lp, parseLpSequence, u16, unb64, utf8 } from './bytes.ts';
import { ed25519Sign, ed25519Verify, sha256 } from './crypto.ts';
import type { Identity } from './identity.ts';
import { PROTOCOL_VERSION, type Envelope, type ResetMessage } from './wire.ts';

const TAG_RESET = utf8('OpenNexus-v0-reset');
const TAG_RESET_SIGNED = utf8('OpenNexus-v0-reset-signed');

export const REASON_DECRYPT_FAILED = 1;
export const REASON_SESSION_MISMATCH = 2;
export const REASON_UNKNOWN = 255;

export function resetSigInput(senderId: Uint8Array, receiverId: Uint8Array, sessionId: Uint8Array, reason: number): Uint8Array {
  return concat(TAG_RESET_SIGNED, lp(senderId), lp(receiverId), lp(sessionId), lp(u16(reason)));
}

export function createSignedReset(self: Identity, peerId: Uint8Array, sessionId: Uint8Array, reason: number): ResetMessage {
  const sig = ed25519Sign(self.seed, resetSigInput(self.agentId, peerId, sessionId, reason));
  return {
    protocol_version: PROTOCOL_VERSION,
    type: 'reset',
    sender_id: self.agentIdB64,
    receiver_id: b64(peerId),
    sender_public_key: self.publicKeyB64,
    session_id: b64(sessionId),
    reason,
    reset_signature: b64(sig),
  };
}

/** opennexus spec §4.5 _handle_signed_reset: any failed check means "ignore silently" (null). */
export function verifySignedReset(
  msg: Envelope,
  selfId: Uint8Array,
): { senderId: Uint8Array; senderPublicKey: string; sessionId: Uint8Array; reason: number } | null {
  if (msg.protocol_version !== PROTOCOL_VERSION) return null;
  try {
    const senderId = unb64(msg.sender_id ?? '', 32);
    const receiverId = unb64(msg.receiver_id ?? '', 32);
    const sessionId = unb64(msg.session_id ?? '', 32);
    const pub = unb64(msg.sender_public_key ?? '', 32);
    const sig = unb64(msg.reset_signature ?? '', 64);
    if (!equalBytes(receiverId, selfId)) return null;
    if (msg.reason === undefined || msg.reason < 0n || msg.reason > 0xffffn) return null;
    const reason = Number(msg.reason);
    if (!equalBytes(sha256(pub), senderId)) return null;
    if (!ed25519Verify(sig, resetSigInput(senderId, receiverId, sessionId, reason), pub)) return null;
    return { senderId, senderPublicKey: b64(pub), sessionId, reason };
  } catch {
    return null;
  }
}

/** TAG_RESET || lp(session_id) || lp(u16(reason)): 56 bytes. */
export function buildResetPayload(sessionId: Uint8Array, reason: number): Uint8Array {
  return concat(TAG_RESET, lp(sessionId), lp(u16(reason)));
}

/**
 * Classifies a decrypted plaintext as the reference does: the tag, then exactly two lp fields,
 * a 32-byte session id and a 1- or 2-byte reason. Whether the session id matches is the
 * caller's decision (we require it; the reference does not, opennexus spec §9.7).
 */
export function parseResetPayload(plaintext: Uint8Array): { sessionId: Uint8Array; reason: number } | null {
  if (plaintext.length < TAG_RESET.length || !equalBytes(plaintext.subarray(0, TAG_RESET.length), TAG_RESET)) return null;
  const fields = parseLpSequence(plaintext.subarray(TAG_RESET.length));
  if (!fields || fields.length !== 2) return null;
  const [sessionId, r] = fields as [Uint8Array, Uint8Array];
  if (sessionId.length !== 32 || r.length < 1 || r.length > 2) return null;
  const reason = r.length === 1 ? r[0]! : (r[0]! << 8) | r[1]!;
  return { sessionId, reason };
}
