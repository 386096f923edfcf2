/**
 * `send` (opennexus spec §4.2): handshake when there is no session, seal, post, and recover
 * once when the peer answers with a reset because it lost the session. The protocol decisions
 * are core/initiator.ts's; this file does the waiting and the I/O, in order:
 *   open the watch stream -> [begin, HELLO, wait for the ACK, complete + seal] or [seal] -> POST
 *   -> (cached session) listen for a reset -> forget it, handshake, seal, POST once more.
 */
import { b64, utf8 } from './core/bytes.ts';
import { randomBytes } from './core/crypto.ts';
import { agentIdOf, parseKeyText } from './core/identity.ts';
import { beginHandshake, completeHandshake, forgetSession, isAckFor, isResetFor, sealFor } from './core/initiator.ts';
import type { DataMessage } from './core/wire.ts';
import { ClientError } from './errors.ts';
import { clip, short, trimSlash, type Link } from './link.ts';
import type { SseStream } from './transport.ts';
import { waitForMessage } from './waiting.ts';

export interface SendOptions {
  peerPublicKey: string;
  peerMessengerUrl: string;
  message: string | Uint8Array;
  /** Always handshake, ignoring a cached session (`--no-cache`). */
  noCache?: boolean;
  signal?: AbortSignal;
}

export interface SendResult {
  peerId: string;
  sessionId: string;
  counter: string;
  /** A new handshake was made for this message. */
  handshake: boolean;
  /** The peer had lost its session; the message was sent again under a new one. */
  redelivered: boolean;
}

export interface SendTiming {
  /** opennexus spec §4.2: 30 s. */
  helloAckTimeoutMs: number;
  /** How long to listen for a reset after a DATA over a cached session; 0 = not at all. */
  confirmMs: number;
}

interface Target {
  peer: string;
  peerId: Uint8Array;
  peerPub: Uint8Array;
  peerUrl: string;
  plaintext: Uint8Array;
  signal: AbortSignal | undefined;
}

export async function send(link: Link, opts: SendOptions, timing: SendTiming): Promise<SendResult> {
  let peerPub: Uint8Array;
  try {
    peerPub = parseKeyText(opts.peerPublicKey, 'public key');
  } catch (e) {
    throw new ClientError('invalid_key', `Invalid peer public key: ${(e as Error).message}`);
  }
  const peerId = agentIdOf(peerPub);
  const peer = b64(peerId);
  if (peer === link.identity.agentIdB64) throw new ClientError('self_session', 'Refusing self-session');
  const plaintext = typeof opts.message === 'string' ? utf8(opts.message) : opts.message;
  const t: Target = { peer, peerId, peerPub, peerUrl: trimSlash(opts.peerMessengerUrl), plaintext, signal: opts.signal };

  // Our own stream first: it must be registered before a HELLO_ACK or a reset can come.
  const watch = await link.openStream({ watch: true, ...(opts.signal ? { signal: opts.signal } : {}) });
  try {
    const first = await deliver(link, t, watch, opts.noCache ?? false, timing);
    if (first.handshake || timing.confirmMs <= 0) return { ...first, redelivered: false };
    const reset = await waitForMessage(watch, (e) => isResetFor(e, link.identity.agentId, peer, first.sessionId), timing.confirmMs, opts.signal);
    if (!reset) return { ...first, redelivered: false };
    // The peer has no such session (it restarted or lost its state): start over, once.
    link.log(`Peer ${short(peer)} lost session (reset reason=${reset.reason}); re-handshaking and resending once`);
    await link.store.update((c) => ({ cache: forgetSession(c, peer, first.sessionId), result: null }));
    const again = await deliver(link, t, watch, false, timing);
    return { ...again, redelivered: true };
  } finally {
    watch.close();
  }
}

/** Makes sure a session exists (handshaking if needed), then seals and posts one DATA. */
async function deliver(link: Link, t: Target, watch: SseStream, noCache: boolean, timing: SendTiming): Promise<Omit<SendResult, 'redelivered'>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    let data: DataMessage | null = null;
    let handshake = false;
    if (noCache || !(await link.store.read()).sessions[t.peer]) {
      // One handshake per peer at a time across processes: 20 concurrent sends must not each
      // replace the peer's session with their own.
      data = await link.store.handshakeLock(t.peerId, async () => {
        if (!noCache && (await link.store.read()).sessions[t.peer]) return null;
        return handshakeAndSeal(link, t, watch, timing);
      });
      handshake = data !== null;
      noCache = false;
    }
    data ??= await seal(link, t);
    if (!data) continue; // the session was reset between handshake and seal: again
    const r = await link.post(t.peerUrl, data, t.signal);
    if (r.status !== 200) throw new ClientError('data_failed', `DATA send failed: ${clip(r.body)}`);
    link.log('Message sent');
    return { peerId: t.peer, sessionId: data.session_id, counter: data.counter.toString(), handshake };
  }
  throw new ClientError('data_failed', 'DATA send failed: the session kept being reset');
}

/** Seals under the cache lock, so the counter is persisted before the ciphertext leaves. */
function seal(link: Link, t: Target): Promise<DataMessage | null> {
  return link.store.update((c) => {
    const s = sealOrThrow(() => sealFor(c, link.identity, t.peerId, t.plaintext, link.messengerUrl, Date.now()));
    if (!s) return { result: null };
    if (s.cache.peerMessengerUrls[t.peer] !== t.peerUrl) s.cache.peerMessengerUrls = { ...s.cache.peerMessengerUrls, [t.peer]: t.peerUrl };
    return { cache: s.cache, result: s.data };
  });
}

function sealOrThrow<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new ClientError('encrypt_failed', `Encrypt failed: ${(e as Error).message}`);
  }
}

/**
 * Begins a handshake (the pending record goes into the cache), posts the HELLO, waits for its
 * HELLO_ACK on the watch stream, then completes it and seals the first message in one update.
 */
async function handshakeAndSeal(link: Link, t: Target, watch: SseStream, timing: SendTiming): Promise<DataMessage> {
  link.log(`Sending HELLO to ${short(t.peer)}`);
  const ephPrivate = randomBytes(32);
  const begin = { self: link.identity, peerId: t.peerId, peerPublicKey: t.peerPub, peerUrl: t.peerUrl, ownMessengerUrl: link.messengerUrl, ephPrivate, now: Date.now() };
  const { hello, pending } = await link.store.update((c) => {
    const b = beginHandshake(c, begin);
    return { cache: b.cache, result: { hello: b.hello, pending: b.cache.pending[t.peer]! } };
  });
  const r = await link.post(t.peerUrl, hello, t.signal);
  if (r.status !== 200) throw new ClientError('hello_failed', `HELLO failed: ${clip(r.body)}`);
  const ack = await waitForMessage(watch, (e) => isAckFor(pending, e, t.peer), timing.helloAckTimeoutMs, t.signal);
  if (t.signal?.aborted) throw new ClientError('aborted', 'aborted');
  if (!ack) throw new ClientError('hello_ack_timeout', 'Timeout waiting for HELLO_ACK');
  return link.store.update((c) => {
    const done = completeHandshake(c, ack, link.identity, Date.now(), pending);
    if (!done.ok) throw new ClientError(done.error === 'derive_failed' ? 'derive_failed' : 'hello_ack_invalid', done.detail);
    const s = sealOrThrow(() => sealFor(done.cache, link.identity, t.peerId, t.plaintext, link.messengerUrl, Date.now()))!;
    return { cache: s.cache, result: s.data };
  });
}
