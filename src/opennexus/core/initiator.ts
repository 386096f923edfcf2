/**
 * The sending side of the protocol (opennexus spec §4.2) as pure functions over the cache, in
 * the style of inbound.ts: begin a handshake (HELLO + a pending record holding the ephemeral
 * key), recognise and complete its HELLO_ACK, recognise a reset that names a session, and seal
 * for a peer. The pending record lives in the cache, so a handshake begun by one process can
 * be completed by another (a later `send` or `stream`). Randomness and the clock come in as
 * arguments.
 */
import { b64, unb64, utf8 } from './bytes.ts';
import type { CacheState, PendingHandshake } from './cache.ts';
import { x25519PublicKey } from './crypto.ts';
import { ProtocolError } from './errors.ts';
import { createHello, verifyHelloAck } from './handshake.ts';
import type { Identity } from './identity.ts';
import { enforceCaps } from './limits.ts';
import { verifySignedReset } from './reset.ts';
import { deriveSession, sealData, type Session } from './session.ts';
import { PROTOCOL_VERSION, type DataMessage, type Envelope, type HelloMessage } from './wire.ts';

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
export function beginHandshake(cache: CacheState, i: BeginInput): { cache: CacheState; hello: HelloMessage } {
  const peer = b64(i.peerId);
  const ephPublic = x25519PublicKey(i.ephPrivate);
  const pending: PendingHandshake = { ephPrivate: i.ephPrivate, peerPublicKey: b64(i.peerPublicKey), peerUrl: i.peerUrl, startedMs: i.now };
  const next: CacheState = {
    ...cache,
    pending: { ...cache.pending, [peer]: pending },
    peerMessengerUrls: { ...cache.peerMessengerUrls, [peer]: i.peerUrl },
  };
  enforceCaps(next);
  return { cache: next, hello: createHello(i.self, i.peerId, ephPublic, i.ownMessengerUrl) };
}

/** Is `env` the HELLO_ACK for our pending handshake with its sender (cheap checks only)? */
export function isAckFor(pending: PendingHandshake, env: Envelope, peer: string): boolean {
  return (
    env.type === 'hello_ack' &&
    env.protocol_version === PROTOCOL_VERSION &&
    env.sender_id === peer &&
    env.peer_ephemeral_public_key === b64(x25519PublicKey(pending.ephPrivate))
  );
}

export type CompleteResult =
  | { ok: true; cache: CacheState; session: Session }
  | { ok: false; error: 'no_pending' | 'hello_ack_invalid' | 'derive_failed'; detail: string };

/**
 * Completes the pending handshake that `env` (a HELLO_ACK) answers, into a confirmed session.
 * `pending` defaults to the cache's record; the process that began the handshake passes its
 * own copy, since another process may have completed it (and removed the record) first.
 * Idempotent: if that very session is already in the cache, the cached one, with its
 * counters, is kept.
 */
export function completeHandshake(cache: CacheState, env: Envelope, self: Identity, now: number, own?: PendingHandshake): CompleteResult {
  const peer = env.sender_id ?? '';
  const pending = own ?? cache.pending[peer];
  if (!pending || !isAckFor(pending, env, peer)) return { ok: false, error: 'no_pending', detail: 'no pending handshake for this HELLO_ACK' };
  let peerId: Uint8Array;
  let peerPub: Uint8Array;
  try {
    peerPub = unb64(pending.peerPublicKey, 32);
    peerId = unb64(peer, 32);
  } catch {
    return { ok: false, error: 'hello_ack_invalid', detail: 'HELLO_ACK verification failed' };
  }
  const v = verifyHelloAck(env, self.agentId, peerId, x25519PublicKey(pending.ephPrivate));
  if (!v) return { ok: false, error: 'hello_ack_invalid', detail: 'HELLO_ACK verification failed' };
  let session: Session;
  try {
    session = deriveSession({ selfId: self.agentId, peerId, ownEphPrivate: pending.ephPrivate, peerEphPublic: v.peerEph, peerPublicKey: peerPub });
  } catch (e) {
    return { ok: false, error: 'derive_failed', detail: `Session derivation failed: ${(e as ProtocolError).message}` };
  }
  const pendingLeft = { ...cache.pending };
  // Only this handshake's record goes; a newer one with the same peer stays.
  const recorded = pendingLeft[peer];
  if (recorded && b64(recorded.ephPrivate) === b64(pending.ephPrivate)) delete pendingLeft[peer];
  const existing = cache.sessions[peer];
  if (existing && b64(existing.sessionId) === b64(session.sessionId)) {
    return { ok: true, cache: { ...cache, pending: pendingLeft }, session: existing };
  }
  // We started it, so it is confirmed (core/limits.ts).
  const confirmed = { ...session, confirmed: true, lastUsedMs: now };
  const next: CacheState = { ...cache, pending: pendingLeft, sessions: { ...cache.sessions, [peer]: confirmed } };
  enforceCaps(next);
  return { ok: true, cache: next, session: confirmed };
}

/** Forgets the pending handshake with `peer` if it is still `pending` (its HELLO never got out). */
export function dropPending(cache: CacheState, peer: string, pending: PendingHandshake): CacheState | undefined {
  const recorded = cache.pending[peer];
  if (!recorded || b64(recorded.ephPrivate) !== b64(pending.ephPrivate)) return undefined;
  const left = { ...cache.pending };
  delete left[peer];
  return { ...cache, pending: left };
}

/** Is `env` a valid signed reset from `peer` naming `sessionId` (opennexus spec §4.5)? */
export function isResetFor(env: Envelope, selfId: Uint8Array, peer: string, sessionId: string): boolean {
  return env.type === 'reset' && env.sender_id === peer && env.session_id === sessionId && verifySignedReset(env, selfId) !== null;
}

/** Drops the session with `peer` if it is still `sessionId` (the peer said it lost it). */
export function forgetSession(cache: CacheState, peer: string, sessionId: string): CacheState | undefined {
  const s = cache.sessions[peer];
  if (!s || b64(s.sessionId) !== sessionId) return undefined;
  const sessions = { ...cache.sessions };
  delete sessions[peer];
  return { ...cache, sessions };
}

export interface Sealed {
  cache: CacheState;
  data: DataMessage;
}

/**
 * Seals `plaintext` for `peer` at the session's tx counter, advancing it. Returns null when
 * there is no session. The caller must persist `cache` before `data` leaves the process, so
 * a (key, nonce) pair is never used twice (opennexus spec §4.2 step 4).
 */
export function sealFor(cache: CacheState, self: Identity, peerId: Uint8Array, plaintext: Uint8Array | string, ownMessengerUrl: string, now: number): Sealed | null {
  const peer = b64(peerId);
  const s = cache.sessions[peer];
  if (!s) return null;
  const r = sealData(s, typeof plaintext === 'string' ? utf8(plaintext) : plaintext, self.agentId, peerId);
  return {
    cache: { ...cache, sessions: { ...cache.sessions, [peer]: { ...r.next, lastUsedMs: now } } },
    data: {
      protocol_version: PROTOCOL_VERSION,
      type: 'data',
      sender_id: self.agentIdB64,
      receiver_id: peer,
      session_id: b64(s.sessionId),
      counter: r.counter,
      ciphertext: b64(r.ciphertext),
      sender_messenger_url: ownMessengerUrl,
    },
  };
}
