/**
 * What an agent does with one message from its stream (opennexus spec §4.3-§4.5), as a pure function:
 * (cache, message, context) -> (new cache, events to report, messages to send).
 *
 * Deliberate differences from the reference (opennexus spec §10):
 * - B1: every reset we send is a *signed* reset echoing the session id we received, so two
 *   peers holding different sessions can never ping-pong encrypted resets. Resets are
 *   rate-limited per (peer, session), per peer and in all (core/limits.ts).
 * - Strangers are bounded: pending sessions from new peers are capped (least recently used
 *   goes) and HELLOs from new peers are answered at a bounded rate (core/limits.ts).
 * - A messenger URL is learned only from a verified HELLO (or the user), never from DATA,
 *   which anyone can forge: a forged DATA must not make us POST to a URL of its choosing.
 * - DATA naming the session we hold that fails to authenticate (bad tag, replayed or bad
 *   counter) is a forgery until proven otherwise (anyone can read a live session id and post
 *   as anyone, §10 B4): dropped and reported (`forgery`), never reset, where the reference
 *   resets (§4.5) and so let one forged POST make the real peer drop the session and resend
 *   all it had unconfirmed. A peer that lost its state names a session we do not hold: reset.
 * - B5/§9.7: an encrypted reset payload is honoured only if it names the current session.
 * - B3: malformed input yields an event, never an exception.
 */
import { b64, equalBytes, fromUtf8, pyBytesRepr, unb64 } from './bytes.ts';
import type { CacheState } from './cache.ts';
import { ProtocolError } from './errors.ts';
import { createHelloAck, verifyHello } from './handshake.ts';
import type { Identity } from './identity.ts';
import {
  REASON_SESSION_MISMATCH,
  createSignedReset,
  parseResetPayload,
  verifySignedReset,
} from './reset.ts';
import { HELLO_WINDOW_MS, enforceCaps, helloAllowed, isKnownPeer, takeReset } from './limits.ts';
import { afterInbound, type DeliveryEvent } from './delivery.ts';
import { completeHandshake } from './initiator.ts';
import { deriveSession, openData } from './session.ts';
import { PROTOCOL_VERSION, type Envelope, type OutboundMessage } from './wire.ts';

export { RESET_INTERVAL_MS } from './limits.ts';

export type InboundEvent =
  /** `publicKey` and `messengerUrl`: what a reply needs (`send --to <from>`). */
  | { type: 'message'; from: string; text: string; bytes: Uint8Array; sessionId: string; counter: bigint; publicKey: string; messengerUrl?: string; id?: string; createdAt?: string }
  | { type: 'session_established'; peer: string; sessionId: string; initiator: 'peer' | 'self' }
  | DeliveryEvent
  | { type: 'reset'; from: string; reason: number; sessionId: string; dropped: boolean; signed: boolean }
  | { type: 'reset_sent'; to: string; reason: number; sessionId: string }
  | { type: 'reset_suppressed'; to: string; sessionId: string; why: 'same_session' | 'peer_limit' | 'total_limit' }
  | { type: 'hello_ack'; from: string }
  /**
   * `duplicate`: a counter already accepted, e.g. a message a messenger delivered again.
   * `forgery`: DATA on the session we hold that did not authenticate; dropped, no reset.
   */
  | { type: 'rejected'; from?: string; what: string; detail: string; duplicate?: true; forgery?: true };

export interface Outbound {
  url: string;
  message: OutboundMessage;
}

export interface InboundContext {
  self: Identity;
  ownMessengerUrl: string;
  now: number;
  /** A fresh X25519 key pair, used only if the message is a HELLO. */
  ephemeral: { privateKey: Uint8Array; publicKey: Uint8Array };
  /**
   * Our messenger marked the message as a replay of one delivered before (it keeps delivered
   * messages for a while so a stolen drain cannot take them). A replay we cannot open is most
   * likely one we already had, so it gets no reset: a reset now would use up the rate limit
   * that a real new message may need.
   */
  replay?: boolean;
  /** Draws a fresh X25519 key when the outbox needs a new handshake (a session was lost). */
  freshKey?: () => Uint8Array;
}

export interface InboundResult {
  cache: CacheState;
  /** Whether `cache` differs from the input in anything worth saving (not only expired entries). */
  changed: boolean;
  events: InboundEvent[];
  outbound: Outbound[];
}

function tryId(s: string | undefined): Uint8Array | null {
  try {
    return unb64(s ?? '', 32);
  } catch {
    return null;
  }
}

export function handleInbound(cache0: CacheState, env: Envelope, ctx: InboundContext): InboundResult {
  const cache: CacheState = {
    sessions: { ...cache0.sessions },
    pending: { ...cache0.pending },
    outbox: cache0.outbox,
    peerMessengerUrls: { ...cache0.peerMessengerUrls },
    resets: { ...cache0.resets },
  };
  const events: InboundEvent[] = [];
  const outbound: Outbound[] = [];
  let changed = false;
  // What this message means for the outbox, applied once the message itself is handled.
  let ready: string | undefined;
  let lost: { peer: string; sessionId: string; peerPublicKey: string } | undefined;
  let confirmed: { peer: string; sessionId: string } | undefined;
  const from = env.sender_id;
  // A replay (ctx.replay) was handled when it first came; failing to open it now (its session
  // was replaced since) is expected, and is reported as the duplicate it is.
  const reject = (what: string, detail: string, flag: { duplicate?: true; forgery?: true } = {}) =>
    events.push({ type: 'rejected', ...(from ? { from } : {}), what, detail, ...flag, ...(ctx.replay ? { duplicate: true as const } : {}) });

  if (env.protocol_version !== PROTOCOL_VERSION) {
    reject(env.type ?? 'message', 'unsupported protocol_version');
    return { cache, changed: false, events, outbound };
  }

  /** A signed reset echoing `sessionId`, unless the rate limits say no (core/limits.ts). */
  const sendReset = (peerId: Uint8Array, sessionId: Uint8Array, reason: number) => {
    if (ctx.replay) return;
    const peer = b64(peerId);
    const sid = b64(sessionId);
    const decision = takeReset(cache, peer, sid, ctx.now);
    if (decision !== 'send') {
      events.push({ type: 'reset_suppressed', to: peer, sessionId: sid, why: decision });
      return;
    }
    changed = true; // the reset is recorded for the rate limit
    // The URL is one a verified HELLO or the user gave; a stranger's reset goes to our own
    // messenger, which is where a peer that shares it (and lost its state) will look.
    outbound.push({
      url: cache.peerMessengerUrls[peer] ?? ctx.ownMessengerUrl,
      message: createSignedReset(ctx.self, peerId, sessionId, reason),
    });
    events.push({ type: 'reset_sent', to: peer, reason, sessionId: sid });
  };

  switch (env.type) {
    case 'hello': {
      // The rate check comes before the signature check, so a flood costs us no verification.
      const known = from !== undefined && isKnownPeer(cache, from);
      if (!known && !helloAllowed(cache, ctx.now)) {
        reject('hello', `too many handshakes from new peers; not answered (limit per ${HELLO_WINDOW_MS / 1000} s)`);
        break;
      }
      const h = verifyHello(env, ctx.self.agentId);
      if (!h) {
        reject('hello', 'Invalid HELLO');
        break;
      }
      const peer = b64(h.senderId);
      let session;
      try {
        session = deriveSession({
          selfId: ctx.self.agentId,
          peerId: h.senderId,
          ownEphPrivate: ctx.ephemeral.privateKey,
          peerEphPublic: h.senderEph,
          peerPublicKey: h.senderPublicKey,
        });
      } catch (e) {
        reject('hello', `Failed to derive session from HELLO: ${(e as Error).message}`);
        break;
      }
      const url = h.senderMessengerUrl ?? ctx.ownMessengerUrl;
      // opennexus spec §4.4: a new HELLO replaces any session
      cache.sessions[peer] = { ...session, confirmed: known, lastUsedMs: ctx.now };
      cache.peerMessengerUrls[peer] = url;
      changed = true;
      enforceCaps(cache);
      outbound.push({ url, message: createHelloAck(ctx.self, h.senderId, ctx.ephemeral.publicKey, h.senderEph) });
      events.push({ type: 'session_established', peer, sessionId: b64(session.sessionId), initiator: 'peer' });
      ready = peer;
      break;
    }
    case 'hello_ack': {
      // Ours to complete if we began a handshake with the sender (in this process or another).
      const done = from && cache.pending[from] ? completeHandshake(cache, env, ctx.self, ctx.now) : null;
      if (done?.ok && from) {
        cache.sessions = done.cache.sessions;
        cache.pending = done.cache.pending;
        changed = true;
        ready = from;
        events.push({ type: 'session_established', peer: from, sessionId: b64(done.session.sessionId), initiator: 'self' });
      } else if (from && ctx.replay) {
        // Replayed, and no handshake of ours waits for it: it completed one when it first came.
        reject('hello_ack', 'HELLO_ACK already received');
      } else if (from) events.push({ type: 'hello_ack', from });
      break;
    }
    case 'data': {
      const peerId = tryId(from);
      if (!peerId || !from) {
        reject('data', 'invalid sender_id');
        break;
      }
      const incomingSid = tryId(env.session_id);
      const session = cache.sessions[from];
      if (!session) {
        if (incomingSid) sendReset(peerId, incomingSid, REASON_SESSION_MISMATCH);
        reject('data', 'No session for DATA');
        break;
      }
      let opened;
      try {
        opened = openData(session, env, peerId, ctx.self.agentId);
      } catch (e) {
        const err = e as ProtocolError;
        const detail = `DATA decrypt failed: ${err.message}`;
        if (err.code === 'counter_replay') {
          // A replay is not a broken session; our messenger re-delivers retained messages to a
          // new stream (so a thief cannot drain them), which makes duplicates normal.
          reject('data', detail, { duplicate: true });
          break;
        }
        if (incomingSid && equalBytes(incomingSid, session.sessionId)) {
          // On the session we hold (see the header): dropped, the session and counters kept.
          reject('data', detail, { forgery: true });
          break;
        }
        reject('data', detail);
        // A session we do not hold: the peer's is lost or stale, and it is told so (§10 B1).
        if (incomingSid) sendReset(peerId, incomingSid, REASON_SESSION_MISMATCH);
        break;
      }
      cache.sessions[from] = { ...opened.next, confirmed: true, lastUsedMs: ctx.now };
      changed = true;
      const r = parseResetPayload(opened.plaintext);
      if (r && b64(r.sessionId) === b64(session.sessionId)) {
        delete cache.sessions[from];
        lost = { peer: from, sessionId: b64(r.sessionId), peerPublicKey: session.peerPublicKey };
        events.push({ type: 'reset', from, reason: r.reason, sessionId: b64(r.sessionId), dropped: true, signed: false });
        break;
      }
      confirmed = { peer: from, sessionId: b64(session.sessionId) };
      const text = fromUtf8(opened.plaintext);
      events.push({
        type: 'message',
        from,
        // Not valid UTF-8: shown as the reference does, Python's repr of the bytes.
        text: text ?? pyBytesRepr(opened.plaintext),
        bytes: opened.plaintext,
        sessionId: b64(session.sessionId),
        counter: env.counter as bigint,
        publicKey: session.peerPublicKey,
        ...(cache.peerMessengerUrls[from] ? { messengerUrl: cache.peerMessengerUrls[from] } : {}),
        ...(env.id ? { id: env.id } : {}),
        ...(env.created_at ? { createdAt: env.created_at } : {}),
      });
      break;
    }
    case 'reset': {
      const r = verifySignedReset(env, ctx.self.agentId);
      if (!r) {
        reject('reset', 'invalid signed reset');
        break;
      }
      const peer = b64(r.senderId);
      const sid = b64(r.sessionId);
      const current = cache.sessions[peer];
      const dropped = current !== undefined && b64(current.sessionId) === sid;
      if (dropped) {
        delete cache.sessions[peer];
        changed = true;
      }
      // Also a reset naming an older session (crossed handshakes replaced it): what we sent on
      // it was not read, so it goes out again (core/delivery.ts sessionLost).
      const peerPublicKey = current?.peerPublicKey ?? cache.pending[peer]?.peerPublicKey ?? r.senderPublicKey;
      if (dropped || cache.outbox.some((e) => e.peer === peer && e.sessionId === sid)) lost = { peer, sessionId: sid, peerPublicKey };
      events.push({ type: 'reset', from: peer, reason: r.reason, sessionId: sid, dropped, signed: true });
      break;
    }
    default:
      reject(env.type ?? 'message', 'Unknown message type');
  }
  return afterInbound({ cache, changed, events, outbound }, ctx, { ready, lost, confirmed });
}

export { pyBytesRepr } from './bytes.ts';
