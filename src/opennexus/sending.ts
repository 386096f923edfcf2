/**
 * `send` (opennexus spec §4.2, made asynchronous): every message goes into the outbox first
 * (core/outbox.ts), so nothing is lost when the peer is offline. Then, in order:
 *   session exists -> seal everything waiting for the peer -> POST each (one POST per message)
 *   no session     -> begin a handshake (unless one is under way) -> HELLO -> wait up to
 *                     `waitMs` for its HELLO_ACK on our watch stream (which is also shown an
 *                     ACK that arrived while we were away) -> complete, seal, POST; or report
 *                     the message as queued: a later `stream` or `send` completes it.
 * "sent" means accepted by the peer's messenger; the outbox keeps the message until the peer
 * answers on that session, and sends it again if the peer says it lost the session.
 */
import { b64, utf8 } from './core/bytes.ts';
import type { PendingHandshake } from './core/cache.ts';
import { randomBytes } from './core/crypto.ts';
import { HELLO_RETRY_MS } from './core/delivery.ts';
import { beginHandshake, completeHandshake, dropPending, isAckFor } from './core/initiator.ts';
import { MAX_MESSAGE_BYTES, OUTBOX_PEER_MAX_BYTES, OUTBOX_PEER_MAX_ENTRIES, accepted, enqueue, flushPeer, reclaimStale, type Flushed, type OutboxEntry, type OutboxFull } from './core/outbox.ts';
import type { HelloMessage } from './core/wire.ts';
import { ClientError } from './errors.ts';
import { checkedMessengerUrl, short, type Link } from './link.ts';
import { postInOrder } from './posting.ts';
import { refuseSelf, resolvePeer, type Peer } from './recipient.ts';
import type { SseStream } from './transport.ts';
import { waitForMessage } from './waiting.ts';

export interface SendOptions {
  /** The peer's public key, or the agent id of a peer the session cache knows. */
  peerPublicKey: string;
  /** The peer's messenger; optional when the cache knows it. */
  peerMessengerUrl?: string;
  message: string | Uint8Array;
  /** Always handshake, ignoring a cached session (`--no-cache`). */
  noCache?: boolean;
  signal?: AbortSignal;
}

export interface SendResult {
  /** The outbox id of this message. */
  id: string;
  /** sent: accepted by the peer's messenger. queued: kept until the peer answers the handshake. */
  status: 'sent' | 'queued';
  peerId: string;
  sessionId?: string;
  counter?: string;
  /** A new handshake was made for this message. */
  handshake: boolean;
  /** Why a message is `queued`: no answer to the handshake yet, or a messenger that could not be reached. */
  reason?: string;
  /** Older queued messages the peer's messenger refused for good during this send: they left the outbox. */
  refused?: Array<{ id: string; to: string; text: string; error: string }>;
  /** Kept for callers of the earlier API: a resend now happens later, from the outbox. */
  redelivered: false;
}

export interface SendTiming {
  /** How long to wait for the HELLO_ACK before queueing (opennexus spec §4.2: 30 s). */
  helloAckTimeoutMs: number;
  /** How long a message is kept in the outbox. */
  ttlMs: number;
}

/** What the first locked step decided: send now, or wait for a handshake (begun now or before). */
type First = { flushed: Flushed[]; mine: OutboxEntry | undefined } | { pending: PendingHandshake; hello?: HelloMessage };

export async function send(link: Link, opts: SendOptions, timing: SendTiming): Promise<SendResult> {
  const bytes = typeof opts.message === 'string' ? utf8(opts.message) : opts.message;
  // Refused before it enters the outbox: the messenger would refuse its DATA (core/outbox.ts).
  if (bytes.length === 0) throw new ClientError('empty_message', 'the message is empty: nothing would reach the peer but a blank line; give the text to send');
  if (bytes.length > MAX_MESSAGE_BYTES) throw new ClientError('message_too_large', `the message is ${bytes.length} bytes; at most ${MAX_MESSAGE_BYTES} fit in one DATA message`);
  refuseSelf(link, opts.peerPublicKey);
  const givenUrl = opts.peerMessengerUrl === undefined ? undefined : checkedMessengerUrl(opts.peerMessengerUrl, "the peer's");
  const id = b64(randomBytes(9)).replace(/[+/]/g, (c) => (c === '+' ? '-' : '_'));
  const signal = opts.signal;

  // Into the outbox; over a live session that, one POST and the record of its answer
  // (posting.ts) is the whole send. The peer is resolved from the cache read under the lock.
  const now = Date.now();
  const { p, flushed } = await link.store.update<{ p: Peer; flushed: Flushed[] | null }>((c0) => {
    const p = resolvePeer(c0, opts.peerPublicKey, givenUrl);
    if (p.peer === link.identity.agentIdB64) throw new ClientError('self_session', 'Refusing self-session: the recipient is this agent itself; give a peer\'s public key or agent id (`opennexus peers`)');
    // What expired stays until a stream's tick reports it (enqueue does not count it); a seal
    // whose POST never answered goes out again.
    const q = enqueue(reclaimStale(c0, now).cache, { id, peer: p.peer, bytes, createdMs: now, expiresMs: now + timing.ttlMs, peerPublicKey: b64(p.peerPub) });
    if (!q.ok) throw outboxFull(q);
    const c = q.cache.peerMessengerUrls[p.peer] === p.peerUrl ? q.cache : { ...q.cache, peerMessengerUrls: { ...q.cache.peerMessengerUrls, [p.peer]: p.peerUrl } };
    if (!c.sessions[p.peer] || opts.noCache) return { cache: c, result: { p, flushed: null } };
    const f = flushPeer(c, link.identity, p.peerId, link.messengerUrl, now);
    return { cache: f.cache, result: { p, flushed: f.flushed } };
  });
  if (flushed) return { ...(await postAll(link, p, flushed, id, signal)), handshake: false };

  // No session: our own stream first (it must be registered before a HELLO_ACK can come),
  // then one handshake per peer at a time across processes.
  let watch: SseStream;
  try {
    watch = await link.openStream({ watch: true, ...(signal ? { signal } : {}) });
  } catch (e) {
    if (signal?.aborted) throw e;
    // The message is in the outbox: a later send or stream delivers it. Failing here would
    // make the caller send it again (a duplicate).
    return { id, status: 'queued', peerId: p.peer, handshake: false, redelivered: false, reason: `own messenger unreachable: ${(e as Error).message}` };
  }
  try {
    return await link.store.handshakeLock(p.peerId, async () => {
      const first = await link.store.update<First>((c) => {
        const at = Date.now();
        if (c.sessions[p.peer] && !opts.noCache) {
          // Another process completed a handshake meanwhile (and may have sent this message).
          const f = flushPeer(c, link.identity, p.peerId, link.messengerUrl, at);
          return { cache: f.cache, result: { flushed: f.flushed, mine: f.cache.outbox.find((e) => e.id === id) } };
        }
        const pending = c.pending[p.peer];
        // A handshake under way (begun recently, towards the same messenger) is waited for, not repeated.
        if (pending && !opts.noCache && at - pending.startedMs < HELLO_RETRY_MS && pending.peerUrl === p.peerUrl) return { cache: c, result: { pending } };
        // --no-cache: the cached session goes now, so no stream seals this message on it before the new one is ready.
        const { [p.peer]: _cached, ...uncached } = c.sessions;
        const b = beginHandshake(opts.noCache ? { ...c, sessions: uncached } : c, { self: link.identity, peerId: p.peerId, peerPublicKey: p.peerPub, peerUrl: p.peerUrl, ownMessengerUrl: link.messengerUrl, ephPrivate: randomBytes(32), now: at });
        return { cache: b.cache, result: { pending: b.cache.pending[p.peer]!, hello: b.hello } };
      });
      if ('flushed' in first) return { ...(await postAll(link, p, first.flushed, id, signal, first.mine)), handshake: false };
      if (first.hello) {
        const failure = await postHello(link, p, first.hello, first.pending, signal);
        if (failure) return { id, status: 'queued', peerId: p.peer, handshake: false, redelivered: false, reason: failure };
      }
      return handshakeThenSend(link, p, first.pending, watch, id, timing, signal, first.hello !== undefined);
    });
  } finally {
    watch.close();
  }
}

/**
 * The refusal of a message the outbox cannot take (core/outbox.ts, a peer's share or the whole):
 * it names the peer the messages wait for and what to do. Nothing is sent, nothing kept.
 */
function outboxFull(f: OutboxFull): ClientError {
  const held = `${f.entries} message${f.entries === 1 ? '' : 's'} (${Math.ceil(f.bytes / 1024)} KiB)`;
  const wait = `each leaves once the peer writes back on its session (keep \`stream\` running) or at its --ttl; \`outbox\` lists them, \`outbox --drop ${f.peer}\` gives up on them`;
  const message =
    f.full === 'peer'
      ? `the outbox is full for peer ${short(f.peer)}: ${held} wait for it (queued or unconfirmed), the most one peer may hold (${OUTBOX_PEER_MAX_ENTRIES} messages or ${OUTBOX_PEER_MAX_BYTES / 1024 / 1024} MiB). Messages to other peers still go. Wait for this peer to answer: ${wait}`
      : `the outbox is full: messages to several peers that have not answered fill it (${held} of them for peer ${short(f.peer)}). Wait for them to answer: ${wait}`;
  return new ClientError('outbox_full', message, { peer_id: f.peer, queued_for_peer: f.entries, queued_bytes_for_peer: f.bytes });
}

/**
 * Posts the HELLO; if it did not get out, the handshake is not under way: its record goes, and
 * the reason is returned (the message stays queued; a later send or stream tries again).
 */
async function postHello(link: Link, p: Peer, hello: HelloMessage, pending: PendingHandshake, signal?: AbortSignal): Promise<string | undefined> {
  link.log(`Sending HELLO to ${short(p.peer)}`);
  const r = await link.tryPost(p.peerUrl, hello, signal);
  if (signal?.aborted) throw new ClientError('aborted', 'aborted');
  if (accepted(r.status)) return undefined;
  // opennexus spec §4.2: the reference prints `HELLO failed: <response body>`.
  const failure = `HELLO failed: ${r.error}`;
  link.log(failure);
  await link.store.update((c) => ({ cache: dropPending(c, p.peer, pending), result: null })).catch(() => {});
  return failure;
}

/** Waits for the HELLO_ACK; on it completes the handshake and sends what waits, else queued. */
async function handshakeThenSend(
  link: Link,
  p: Peer,
  pending: PendingHandshake,
  watch: SseStream,
  id: string,
  timing: SendTiming,
  signal: AbortSignal | undefined,
  began: boolean,
): Promise<SendResult> {
  const queued: SendResult = { id, status: 'queued', peerId: p.peer, handshake: began, redelivered: false };
  if (timing.helloAckTimeoutMs <= 0) return queued;
  const ack = await waitForMessage(watch, (e) => isAckFor(pending, e, p.peer), timing.helloAckTimeoutMs, signal);
  if (signal?.aborted) throw new ClientError('aborted', 'aborted');
  if (!ack) {
    link.log('Timeout waiting for HELLO_ACK');
    return queued;
  }
  const flushed = await link.store.update((c) => {
    const done = completeHandshake(c, ack, link.identity, Date.now(), pending);
    if (!done.ok) throw new ClientError(done.error === 'derive_failed' ? 'derive_failed' : 'hello_ack_invalid', done.detail);
    const f = flushPeer(done.cache, link.identity, p.peerId, link.messengerUrl, Date.now());
    return { cache: f.cache, result: { flushed: f.flushed, mine: f.cache.outbox.find((e) => e.id === id) } };
  });
  return { ...(await postAll(link, p, flushed.flushed, id, signal, flushed.mine)), handshake: true };
}

/**
 * POSTs the sealed messages in order (posting.ts) and says what became of this send's own
 * message. `mine` is this message as the cache holds it after sealing: another process (a
 * stream) may have sealed it first, and that process posts it.
 */
async function postAll(link: Link, p: Peer, flushed: Flushed[], id: string, signal?: AbortSignal, mine?: OutboxEntry): Promise<Omit<SendResult, 'handshake'>> {
  const posted = await postInOrder(link, flushed.map((f) => ({ url: p.peerUrl, message: f.data })), signal);
  const others = posted.refused.filter((r) => r.id !== id);
  if (posted.recordError) link.log(`Warning: could not record the sends in the session cache (${posted.recordError}); unconfirmed messages may go out again later`);
  const i = flushed.findIndex((f) => f.entry.id === id);
  const base = { id, peerId: p.peer, redelivered: false as const, ...(others.length ? { refused: others } : {}) };
  if (i < 0) {
    // Another process sealed it and posted it before we held the handshake lock: its outcome is in the cache.
    if (mine?.state === 'sent') return { ...base, status: 'sent', sessionId: mine.sessionId!, counter: mine.counter! };
    const reason = !mine
      ? 'another process of this agent already finished with it (see `outbox` and the events of `stream`)'
      : mine.state === 'posting'
        ? 'another process of this agent sealed it and did not record its POST'
        : 'waiting for a session';
    return { ...base, status: 'queued', reason };
  }
  const own = posted.results[i]!;
  const where = { sessionId: flushed[i]!.data.session_id, counter: flushed[i]!.data.counter.toString() };
  if (own.verdict === 'ok') {
    link.log('Message sent');
    return { ...base, status: 'sent', ...where };
  }
  if (own.verdict === 'refused') throw new ClientError('data_failed', `DATA send failed: ${own.error}. The peer's messenger will never accept this message, so it left the outbox.`);
  link.log(`DATA send failed: ${own.error}`);
  const reason = own.verdict === 'unknown' ? `no answer to the DATA POST (${own.error}); it may have arrived, and goes out again marked redelivered` : `DATA send failed: ${own.error}`;
  return { ...base, status: 'queued', reason };
}
