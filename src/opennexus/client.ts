/**
 * OpenNexusClient: the TypeScript counterpart of the reference's Python API (spec §4).
 * It sends over HTTP and listens over SSE, keeps sessions in a SessionStore, and leaves every
 * protocol decision to core/. Randomness (ephemeral keys) and the clock are used here and
 * passed into the core.
 */
import { b64, utf8 } from './core/bytes.ts';
import { randomBytes, x25519PublicKey } from './core/crypto.ts';
import { ProtocolError } from './core/errors.ts';
import { createHello, verifyHelloAck } from './core/handshake.ts';
import { agentIdOf, identityFromKeyTexts, parseKeyText, type Identity } from './core/identity.ts';
import { handleInbound, type InboundEvent, type InboundResult, type Outbound } from './core/inbound.ts';
import { verifySignedReset } from './core/reset.ts';
import { deriveSession, sealData, type Session } from './core/session.ts';
import { emptyCache } from './core/cache.ts';
import { PROTOCOL_VERSION, parseEnvelope, type DataMessage, type Envelope, type OutboundMessage } from './core/wire.ts';
import { stringifyJson } from './core/json.ts';
import { SessionStore } from './session-store.ts';
import { NetworkError, openSse, postJson, type SseStream } from './transport.ts';
import { enforceCaps } from './core/limits.ts';
import { LockTimeoutError } from '../store/file-lock.ts';

export const DEFAULT_MESSENGER_URL = 'https://api.opennexus.cc';

/** The client layer's one error type; `code` is stable, `message` is the reference's line where it has one. */
export class ClientError extends Error {
  constructor(
    readonly code:
      | 'invalid_key'
      | 'self_session'
      | 'hello_failed'
      | 'hello_ack_timeout'
      | 'hello_ack_invalid'
      | 'derive_failed'
      | 'encrypt_failed'
      | 'data_failed'
      | 'network'
      | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

export type ClientEvent =
  | InboundEvent
  | { type: 'connected'; url: string }
  | { type: 'connection_lost'; error: string; retryInMs: number }
  | { type: 'send_failed'; to: string; what: string; error: string }
  /** A message that could not be processed (the cache stayed locked): never dropped silently. */
  | { type: 'not_processed'; id?: string; from?: string; what: string; error: string };

export interface OpenNexusClientOptions {
  identityPublicKey: string;
  identityPrivateKey: string;
  /** Own messenger. Default: env MESSENGER_URL, else https://api.opennexus.cc. */
  messengerUrl?: string;
  /** Where the session cache lives. Default: the current directory, like the reference. */
  stateDir?: string;
  /** spec §4.2: 30 s, enforced by a timer. */
  helloAckTimeoutMs?: number;
  /** How long `send` listens for a reset after a DATA over a cached session; 0 = not at all. */
  confirmMs?: number;
  /** How long one wait for the session cache lock may take (stream retries 4 times). */
  lockTimeoutMs?: number;
  /** opennexus spec §3: 20 s per POST; also the deadline for opening a stream. */
  postTimeoutMs?: number;
  /** Human status lines, in the reference's words (spec §4.2). */
  log?: (line: string) => void;
}

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

export interface ReceivedMessage {
  from: string;
  text: string;
  bytes: Uint8Array;
  sessionId: string;
  counter: string;
  id?: string;
  createdAt?: string;
}

const trimSlash = (u: string) => u.replace(/\/+$/, '');
const short = (id: string) => `${id.slice(0, 16)}...`;
/** A server's answer in an error message: the start of it is enough. */
const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}...` : s);

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Reads a stream until `pred` accepts a message or `ms` pass (a real timer, spec §10 B6). */
async function waitForMessage(stream: SseStream, pred: (e: Envelope) => boolean, ms: number, signal?: AbortSignal): Promise<Envelope | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
    signal?.addEventListener('abort', () => resolve(null), { once: true });
  });
  const reader = (async () => {
    for (;;) {
      const r = await stream.events.next();
      if (r.done) return null;
      if (r.value.kind !== 'data') continue;
      let env: Envelope;
      try {
        env = parseEnvelope(r.value.data);
      } catch {
        continue;
      }
      if (pred(env)) return env;
    }
  })();
  try {
    return await Promise.race([reader, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class OpenNexusClient {
  readonly identity: Identity;
  readonly messengerUrl: string;
  readonly store: SessionStore;
  private readonly opts: OpenNexusClientOptions;
  private readonly log: (line: string) => void;

  constructor(opts: OpenNexusClientOptions) {
    try {
      this.identity = identityFromKeyTexts(opts.identityPublicKey, opts.identityPrivateKey);
    } catch (e) {
      throw new ClientError('invalid_key', (e as Error).message);
    }
    this.opts = opts;
    this.messengerUrl = trimSlash(opts.messengerUrl ?? process.env.MESSENGER_URL ?? DEFAULT_MESSENGER_URL);
    this.store = new SessionStore(opts.stateDir ?? process.cwd(), this.identity.agentId);
    this.log = opts.log ?? (() => {});
  }

  get agentId(): string {
    return this.identity.agentIdB64;
  }

  private get headers() {
    return { 'X-Agent-ID': this.identity.agentIdB64 };
  }

  private get timeoutMs(): number {
    return this.opts.postTimeoutMs ?? 20_000;
  }

  private async post(url: string, message: OutboundMessage, signal?: AbortSignal): Promise<{ status: number; body: string }> {
    try {
      return await postJson(`${trimSlash(url)}/v1/messages`, stringifyJson(message), this.headers, this.timeoutMs, signal);
    } catch (e) {
      throw new ClientError(signal?.aborted ? 'aborted' : 'network', (e as Error).message);
    }
  }

  /** A short-lived stream on our own messenger that does not take the offline backlog. */
  private async openWatch(signal?: AbortSignal): Promise<SseStream> {
    try {
      return await openSse(`${this.messengerUrl}/v1/messages/stream?drain=0`, this.headers, signal, this.timeoutMs);
    } catch (e) {
      throw new ClientError('network', (e as Error).message);
    }
  }

  async send(opts: SendOptions): Promise<SendResult> {
    let peerPub: Uint8Array;
    try {
      peerPub = parseKeyText(opts.peerPublicKey, 'public key');
    } catch (e) {
      throw new ClientError('invalid_key', `Invalid peer public key: ${(e as Error).message}`);
    }
    const peerId = agentIdOf(peerPub);
    const peer = b64(peerId);
    if (peer === this.agentId) throw new ClientError('self_session', 'Refusing self-session');
    const peerUrl = trimSlash(opts.peerMessengerUrl);
    const plaintext = typeof opts.message === 'string' ? utf8(opts.message) : opts.message;
    await this.store.update((c) => ({ cache: { ...c, peerMessengerUrls: { ...c.peerMessengerUrls, [peer]: peerUrl } }, result: null }));

    // Open our own stream first: it must be registered before the HELLO_ACK or a reset can come.
    const watch = await this.openWatch(opts.signal);
    try {
      const first = await this.deliver(peerId, peerPub, peerUrl, plaintext, watch, opts.noCache ?? false, opts.signal);
      const confirmMs = this.opts.confirmMs ?? 1000;
      if (first.handshake || confirmMs <= 0) return { ...first, redelivered: false };
      const reset = await waitForMessage(
        watch,
        (e) => e.type === 'reset' && e.sender_id === peer && e.session_id === first.sessionId && verifySignedReset(e, this.identity.agentId) !== null,
        confirmMs,
        opts.signal,
      );
      if (!reset) return { ...first, redelivered: false };
      // The peer has no such session (it restarted or lost its state): start over, once.
      this.log(`Peer ${short(peer)} lost session (reset reason=${reset.reason}); re-handshaking and resending once`);
      await this.store.update((c) => {
        if (c.sessions[peer] && b64(c.sessions[peer].sessionId) === first.sessionId) {
          const sessions = { ...c.sessions };
          delete sessions[peer];
          return { cache: { ...c, sessions }, result: null };
        }
        return { result: null };
      });
      const again = await this.deliver(peerId, peerPub, peerUrl, plaintext, watch, false, opts.signal);
      return { ...again, redelivered: true };
    } finally {
      watch.close();
    }
  }

  /** Makes sure a session exists (handshaking if needed), then seals and posts one DATA. */
  private async deliver(
    peerId: Uint8Array,
    peerPub: Uint8Array,
    peerUrl: string,
    plaintext: Uint8Array,
    watch: SseStream,
    noCache: boolean,
    signal?: AbortSignal,
  ): Promise<Omit<SendResult, 'redelivered'>> {
    const peer = b64(peerId);
    let handshake = false;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (noCache || !(await this.store.read()).sessions[peer]) {
        // One handshake per peer at a time across processes: 20 concurrent sends must not
        // each replace the peer's session with their own.
        handshake = await this.store.handshakeLock(peerId, async () => {
          if (!noCache && (await this.store.read()).sessions[peer]) return false;
          await this.handshake(peerId, peerPub, peerUrl, watch, signal);
          return true;
        });
        noCache = false;
      }
      const sealed = await this.seal(peerId, plaintext);
      if (!sealed) continue; // the session was reset between handshake and seal: again
      const data: DataMessage = {
        protocol_version: PROTOCOL_VERSION,
        type: 'data',
        sender_id: this.agentId,
        receiver_id: peer,
        session_id: sealed.sessionId,
        counter: sealed.counter,
        ciphertext: b64(sealed.ciphertext),
        sender_messenger_url: this.messengerUrl,
      };
      const r = await this.post(peerUrl, data, signal);
      if (r.status !== 200) throw new ClientError('data_failed', `DATA send failed: ${clip(r.body)}`);
      this.log('Message sent');
      return { peerId: peer, sessionId: sealed.sessionId, counter: sealed.counter.toString(), handshake };
    }
    throw new ClientError('data_failed', 'DATA send failed: the session kept being reset');
  }

  /** Seals under the cache lock, so the counter is persisted before the ciphertext leaves. */
  private seal(peerId: Uint8Array, plaintext: Uint8Array) {
    const peer = b64(peerId);
    return this.store.update((c) => {
      const s = c.sessions[peer];
      if (!s) return { result: null };
      let r;
      try {
        r = sealData(s, plaintext, this.identity.agentId, peerId);
      } catch (e) {
        throw new ClientError('encrypt_failed', `Encrypt failed: ${(e as Error).message}`);
      }
      return {
        cache: { ...c, sessions: { ...c.sessions, [peer]: { ...r.next, lastUsedMs: Date.now() } } },
        result: { sessionId: b64(s.sessionId), counter: r.counter, ciphertext: r.ciphertext },
      };
    });
  }

  private async handshake(peerId: Uint8Array, peerPub: Uint8Array, peerUrl: string, watch: SseStream, signal?: AbortSignal): Promise<Session> {
    const peer = b64(peerId);
    this.log(`Sending HELLO to ${short(peer)}`);
    const ephPrivate = randomBytes(32);
    const ephPublic = x25519PublicKey(ephPrivate);
    const hello = createHello(this.identity, peerId, ephPublic, this.messengerUrl);
    const r = await this.post(peerUrl, hello, signal);
    if (r.status !== 200) throw new ClientError('hello_failed', `HELLO failed: ${clip(r.body)}`);
    const ack = await waitForMessage(
      watch,
      (e) => e.type === 'hello_ack' && e.protocol_version === PROTOCOL_VERSION && e.sender_id === peer && e.peer_ephemeral_public_key === hello.ephemeral_public_key,
      this.opts.helloAckTimeoutMs ?? 30_000,
      signal,
    );
    if (signal?.aborted) throw new ClientError('aborted', 'aborted');
    if (!ack) throw new ClientError('hello_ack_timeout', 'Timeout waiting for HELLO_ACK');
    const v = verifyHelloAck(ack, this.identity.agentId, peerId, ephPublic);
    if (!v) throw new ClientError('hello_ack_invalid', 'HELLO_ACK verification failed');
    let session: Session;
    try {
      session = deriveSession({ selfId: this.identity.agentId, peerId, ownEphPrivate: ephPrivate, peerEphPublic: v.peerEph, peerPublicKey: peerPub });
    } catch (e) {
      throw new ClientError('derive_failed', `Session derivation failed: ${(e as ProtocolError).message}`);
    }
    await this.store.update((c) => {
      // We started it, so it is confirmed (core/limits.ts); the caps still hold.
      const next = { ...c, sessions: { ...c.sessions, [peer]: { ...session, confirmed: true, lastUsedMs: Date.now() } } };
      enforceCaps(next);
      return { cache: next, result: null };
    });
    return session;
  }

  /**
   * Listens on our own messenger until `signal` aborts: answers HELLOs, decrypts DATA, honours
   * resets, sends a presence heartbeat every 15 s, and reconnects with backoff. One bad message
   * is reported as an event and never ends the stream (spec §10 B3).
   */
  async listen(onEvent: (e: ClientEvent) => void | Promise<void>, opts: { signal?: AbortSignal } = {}): Promise<void> {
    // Everything in flight (heartbeats, HELLO_ACKs, lock waits) ends when the caller stops.
    const inner = new AbortController();
    const stop = () => inner.abort();
    opts.signal?.addEventListener('abort', stop, { once: true });
    if (opts.signal?.aborted) stop();
    const signal = inner.signal;
    const beat = () =>
      postJson(`${this.messengerUrl}/v1/presence/heartbeat`, `{"protocol_version":"${PROTOCOL_VERSION}"}`, this.headers, 10_000, signal).catch(() => {});
    void beat();
    const heartbeat = setInterval(beat, 15_000);
    let backoff = 500;
    try {
      while (!signal.aborted) {
        let stream: SseStream | undefined;
        try {
          stream = await openSse(`${this.messengerUrl}/v1/messages/stream`, this.headers, signal, this.timeoutMs);
          backoff = 500;
          for await (const ev of stream.events) {
            if (ev.kind === 'data') await this.processLine(ev.data, onEvent, signal);
            if (signal.aborted) break;
          }
          if (signal.aborted) break;
          await onEvent({ type: 'connection_lost', error: 'stream ended', retryInMs: backoff });
        } catch (e) {
          if (signal.aborted) break;
          await onEvent({ type: 'connection_lost', error: e instanceof NetworkError ? e.message : String(e), retryInMs: backoff });
        } finally {
          stream?.close();
        }
        await abortableSleep(backoff, signal);
        backoff = Math.min(backoff * 2, 30_000);
      }
    } finally {
      clearInterval(heartbeat);
      stop();
      opts.signal?.removeEventListener('abort', stop);
    }
  }

  /** Async-iterator form of listen(): yields decrypted messages only. */
  async *stream(opts: { signal?: AbortSignal; onEvent?: (e: ClientEvent) => void } = {}): AsyncGenerator<ReceivedMessage> {
    const queue: ReceivedMessage[] = [];
    let wake: (() => void) | null = null;
    let finished = false;
    const inner = new AbortController();
    const stop = () => inner.abort();
    opts.signal?.addEventListener('abort', stop, { once: true });
    const done = this.listen(
      (e) => {
        opts.onEvent?.(e);
        if (e.type === 'message') {
          queue.push({ from: e.from, text: e.text, bytes: e.bytes, sessionId: e.sessionId, counter: e.counter.toString(), ...(e.id ? { id: e.id } : {}), ...(e.createdAt ? { createdAt: e.createdAt } : {}) });
          wake?.();
        }
      },
      { signal: inner.signal },
    ).finally(() => {
      finished = true;
      wake?.();
    });
    try {
      for (;;) {
        const m = queue.shift();
        if (m) {
          yield m;
          continue;
        }
        if (finished) break;
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
    } finally {
      inner.abort();
      opts.signal?.removeEventListener('abort', stop);
      await done;
    }
  }

  private async processLine(data: string, onEvent: (e: ClientEvent) => void | Promise<void>, signal: AbortSignal): Promise<void> {
    let env: Envelope;
    try {
      env = parseEnvelope(data);
    } catch (e) {
      await onEvent({ type: 'rejected', what: 'message', detail: (e as Error).message });
      return;
    }
    if (env.type === 'connected') {
      await onEvent({ type: 'connected', url: this.messengerUrl });
      return;
    }
    const ephPrivate = env.type === 'hello' ? randomBytes(32) : new Uint8Array(32);
    const ctx = {
      self: this.identity,
      ownMessengerUrl: this.messengerUrl,
      now: Date.now(),
      ephemeral: { privateKey: ephPrivate, publicKey: env.type === 'hello' ? x25519PublicKey(ephPrivate) : new Uint8Array(32) },
    };
    const notProcessed = (error: string) =>
      onEvent({ type: 'not_processed', what: env.type ?? 'message', error, ...(env.id ? { id: env.id } : {}), ...(env.sender_id ? { from: env.sender_id } : {}) });
    // Most of what a flood sends changes nothing (refused HELLOs, duplicates, junk): decide
    // those on the current file without the lock, which is only taken for real changes.
    const quick = handleInbound(await this.store.read().catch(() => emptyCache()), env, ctx);
    let result: InboundResult | undefined = !quick.changed && quick.outbound.length === 0 ? quick : undefined;
    // A live holder releases the lock within milliseconds; wait for it (up to a minute), and if
    // the cache still cannot be read or written, say so with the message id instead of dropping it.
    for (let attempt = 0; attempt < 4 && !result; attempt++) {
      try {
        result = await this.store.update(
          (c) => {
            const r = handleInbound(c, env, ctx);
            return { cache: r.changed ? r.cache : undefined, result: r };
          },
          { signal, timeoutMs: this.opts.lockTimeoutMs ?? 15_000 },
        );
      } catch (e) {
        if (signal.aborted) return void (await notProcessed('stopped while waiting for the session cache lock'));
        if (!(e instanceof LockTimeoutError)) return void (await notProcessed(`session cache: ${(e as Error).message}`));
      }
    }
    if (!result) return void (await notProcessed('the session cache stayed locked; the message was not processed'));
    for (const e of result.events) await onEvent(e);
    for (const o of result.outbound) await this.postOutbound(o, onEvent, signal);
  }

  private async postOutbound(o: Outbound, onEvent: (e: ClientEvent) => void | Promise<void>, signal: AbortSignal): Promise<void> {
    try {
      const r = await this.post(o.url, o.message, signal);
      if (r.status !== 200) await onEvent({ type: 'send_failed', to: o.message.receiver_id, what: o.message.type, error: clip(r.body) });
      else if (o.message.type === 'hello_ack') this.log(`HELLO_ACK sent to ${short(o.message.receiver_id)}`);
    } catch (e) {
      await onEvent({ type: 'send_failed', to: o.message.receiver_id, what: o.message.type, error: (e as Error).message });
    }
  }
}
