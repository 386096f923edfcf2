/**
 * Sessions (opennexus spec §2): transcript-bound HKDF derivation, lower/higher-id write keys, the nonce
 * and AAD layout, and counters. Pure: every function returns a new Session.
 */
import { U64_MAX, b64, compareBytes, concat, lp, u64be, unb64, utf8 } from './bytes.ts';
import { aesGcmOpen, aesGcmSeal, hkdfSha256, sha256, x25519PublicKey, x25519SharedSecret } from './crypto.ts';
import { ProtocolError } from './errors.ts';

const TAG_SESSION = utf8('OpenNexus-v0-session');
const TAG_DATA = utf8('OpenNexus-v0-data');

/**
 * Receive-side replay window. The reference accepts only counters above the highest seen
 * (opennexus spec §4.5), so two concurrent senders whose POSTs cross lose messages. We also accept a
 * not-yet-seen counter up to 63 below the highest, which still rejects every replay.
 */
export const RX_WINDOW = 64n;
const WINDOW_MASK = (1n << RX_WINDOW) - 1n;

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

function ordered(a: Uint8Array, b: Uint8Array): Uint8Array {
  return compareBytes(a, b) <= 0 ? concat(a, b) : concat(b, a);
}

/** opennexus spec §2 "Session derivation": note that info has no length prefixes. */
export function sessionMaterial(
  shared: Uint8Array,
  idA: Uint8Array,
  idB: Uint8Array,
  ephA: Uint8Array,
  ephB: Uint8Array,
): SessionMaterial {
  const orderedIds = ordered(idA, idB);
  const orderedEph = ordered(ephA, ephB);
  const salt = sha256(orderedIds);
  const info = concat(TAG_SESSION, orderedEph);
  const keyMaterial = hkdfSha256(shared, salt, info, 64);
  return {
    orderedIds,
    orderedEph,
    salt,
    info,
    keyMaterial,
    lowerKey: keyMaterial.slice(0, 32),
    higherKey: keyMaterial.slice(32, 64),
    sessionId: sha256(concat(orderedIds, orderedEph)),
  };
}

export interface DeriveInput {
  selfId: Uint8Array;
  peerId: Uint8Array;
  ownEphPrivate: Uint8Array;
  peerEphPublic: Uint8Array;
  peerPublicKey: Uint8Array;
}

/** Who initiated makes no difference: the smaller agent id writes with the lower key. */
export function deriveSession(input: DeriveInput): Session {
  const ownEph = x25519PublicKey(input.ownEphPrivate);
  let shared: Uint8Array;
  try {
    shared = x25519SharedSecret(input.ownEphPrivate, input.peerEphPublic);
  } catch (e) {
    throw new ProtocolError('derive_failed', (e as Error).message);
  }
  const m = sessionMaterial(shared, input.selfId, input.peerId, ownEph, input.peerEphPublic);
  const selfIsLower = compareBytes(input.selfId, input.peerId) < 0;
  return {
    sessionId: m.sessionId,
    txKey: selfIsLower ? m.lowerKey : m.higherKey,
    rxKey: selfIsLower ? m.higherKey : m.lowerKey,
    txCounter: 0n,
    rxCounter: -1n,
    rxWindow: 0n,
    peerPublicKey: b64(input.peerPublicKey),
    localEphemeralPublicKey: b64(ownEph),
    peerEphemeralPublicKey: b64(input.peerEphPublic),
    confirmed: false,
    lastUsedMs: 0,
  };
}

/** opennexus spec §2: 00 00 00 00 || uint64_be(counter). */
export function nonceFor(counter: bigint): Uint8Array {
  return concat(new Uint8Array(4), u64be(counter));
}

export function dataAad(sessionId: Uint8Array, senderId: Uint8Array, receiverId: Uint8Array): Uint8Array {
  return concat(TAG_DATA, lp(sessionId), lp(senderId), lp(receiverId));
}

/**
 * Seals a payload at the session's tx counter and returns the session with the counter
 * advanced. The caller must persist `next` before the ciphertext leaves the process, so a
 * (key, nonce) pair is never used twice (opennexus spec §4.2 step 4).
 */
export function sealData(
  s: Session,
  plaintext: Uint8Array,
  selfId: Uint8Array,
  peerId: Uint8Array,
): { counter: bigint; ciphertext: Uint8Array; next: Session } {
  const counter = s.txCounter;
  if (counter < 0n || counter > U64_MAX) throw new ProtocolError('counter_out_of_range', 'tx counter out of range');
  const ciphertext = aesGcmSeal(s.txKey, nonceFor(counter), plaintext, dataAad(s.sessionId, selfId, peerId));
  return { counter, ciphertext, next: { ...s, txCounter: counter + 1n } };
}

export interface InboundData {
  session_id?: string;
  counter?: bigint;
  ciphertext?: string;
}

/**
 * Opens a DATA payload. The checks and their texts follow opennexus spec §4.5 in order; the replay
 * window replaces the reference's strict "counter > rx_counter" (see RX_WINDOW).
 */
export function openData(
  s: Session,
  msg: InboundData,
  senderId: Uint8Array,
  selfId: Uint8Array,
): { plaintext: Uint8Array; next: Session } {
  let sid: Uint8Array;
  try {
    sid = unb64(msg.session_id ?? '', 32);
  } catch {
    throw new ProtocolError('bad_length', 'invalid session_id length');
  }
  if (compareBytes(sid, s.sessionId) !== 0) throw new ProtocolError('session_mismatch', 'session_id mismatch');
  const counter = msg.counter;
  if (counter === undefined) throw new ProtocolError('counter_invalid', 'counter missing or invalid');
  if (counter < 0n || counter > U64_MAX) throw new ProtocolError('counter_out_of_range', 'counter out of range');
  if (!counterIsFresh(s, counter)) throw new ProtocolError('counter_replay', 'non-monotonic counter');
  let plaintext: Uint8Array;
  try {
    plaintext = aesGcmOpen(s.rxKey, nonceFor(counter), unb64(msg.ciphertext ?? ''), dataAad(sid, senderId, selfId));
  } catch {
    // The reference's InvalidTag has an empty message: "DATA decrypt failed: " (opennexus spec §4.5).
    throw new ProtocolError('decrypt_failed', '');
  }
  return { plaintext, next: acceptCounter(s, counter) };
}

export function counterIsFresh(s: Session, counter: bigint): boolean {
  if (counter > s.rxCounter) return true;
  const back = s.rxCounter - counter;
  return back < RX_WINDOW && ((s.rxWindow >> back) & 1n) === 0n;
}

function acceptCounter(s: Session, counter: bigint): Session {
  if (counter > s.rxCounter) {
    const shift = counter - s.rxCounter;
    const rxWindow = shift >= RX_WINDOW ? 1n : ((s.rxWindow << shift) | 1n) & WINDOW_MASK;
    return { ...s, rxCounter: counter, rxWindow };
  }
  return { ...s, rxWindow: s.rxWindow | (1n << (s.rxCounter - counter)) };
}

/** A session whose rx window is unknown (loaded from a reference cache) treats all <= rx as seen. */
export const FULL_WINDOW = WINDOW_MASK;
