/**
 * `stream` (opennexus spec §4.3-§4.5): listen on the agent's own messenger until stopped,
 * hand each message to core/inbound.ts, post what it answers, send a presence heartbeat every
 * 15 s, and reconnect with backoff. One bad message is an event and never ends the stream
 * (opennexus spec §10 B3); one that cannot be processed is reported, never dropped silently.
 */
import { emptyCache } from './core/cache.ts';
import { randomBytes, x25519PublicKey } from './core/crypto.ts';
import { tick } from './core/delivery.ts';
import { handleInbound, type InboundEvent, type InboundResult, type Outbound } from './core/inbound.ts';
import { isStale } from './core/outbox.ts';
import { PROTOCOL_VERSION, parseEnvelope, type Envelope } from './core/wire.ts';
import { LockTimeoutError } from '../store/file-lock.ts';
import { short, type Link } from './link.ts';
import { postInOrder } from './posting.ts';
import { postJson, type SseStream } from './transport.ts';
import { abortableSleep } from './waiting.ts';

export type ClientEvent =
  | InboundEvent
  | { type: 'connected'; url: string }
  | { type: 'connection_lost'; error: string; retryInMs: number }
  | { type: 'send_failed'; to: string; what: string; error: string }
  /** A message that could not be processed (the cache stayed locked): never dropped silently. */
  | { type: 'not_processed'; id?: string; from?: string; what: string; error: string };

export type OnEvent = (e: ClientEvent) => void | Promise<void>;

export interface ListenTiming {
  /** How long one wait for the session cache lock may take (a message gets 4 tries). */
  lockTimeoutMs: number;
}

export async function listen(link: Link, onEvent: OnEvent, timing: ListenTiming, opts: { signal?: AbortSignal } = {}): Promise<void> {
  // Everything in flight (heartbeats, HELLO_ACKs, lock waits) ends when the caller stops.
  const inner = new AbortController();
  const stop = () => inner.abort();
  opts.signal?.addEventListener('abort', stop, { once: true });
  if (opts.signal?.aborted) stop();
  const signal = inner.signal;
  const beat = () =>
    postJson(`${link.messengerUrl}/v1/presence/heartbeat`, `{"protocol_version":"${PROTOCOL_VERSION}"}`, link.headers, 10_000, signal).catch(() => {});
  void beat();
  const heartbeat = setInterval(beat, 15_000);
  // The outbox's tick: expire, send what waits, retry stale handshakes (core/delivery.ts).
  const ticker = setInterval(() => void outboxTick(link, onEvent, timing, signal), 30_000);
  ticker.unref();
  let backoff = 500;
  try {
    while (!signal.aborted) {
      let stream: SseStream | undefined;
      try {
        stream = await link.openStream({ signal });
        backoff = 500;
        // Our messenger marks a replayed frame with a `: replay` comment line just before it.
        let replay = false;
        for await (const ev of stream.events) {
          if (ev.kind === 'comment') replay = ev.text === 'replay';
          else {
            await processLine(link, ev.data, onEvent, timing, signal, replay);
            replay = false;
          }
          if (signal.aborted) break;
        }
        if (signal.aborted) break;
        await onEvent({ type: 'connection_lost', error: 'stream ended', retryInMs: backoff });
      } catch (e) {
        if (signal.aborted) break;
        await onEvent({ type: 'connection_lost', error: (e as Error).message, retryInMs: backoff });
      } finally {
        stream?.close();
      }
      await abortableSleep(backoff, signal);
      backoff = Math.min(backoff * 2, 30_000);
    }
  } finally {
    clearInterval(heartbeat);
    clearInterval(ticker);
    stop();
    opts.signal?.removeEventListener('abort', stop);
  }
}

async function processLine(link: Link, data: string, onEvent: OnEvent, timing: ListenTiming, signal: AbortSignal, replay: boolean): Promise<void> {
  let env: Envelope;
  try {
    env = parseEnvelope(data);
  } catch (e) {
    await onEvent({ type: 'rejected', what: 'message', detail: (e as Error).message });
    return;
  }
  if (env.type === 'connected') {
    await onEvent({ type: 'connected', url: link.messengerUrl });
    await outboxTick(link, onEvent, timing, signal);
    return;
  }
  const ephPrivate = env.type === 'hello' ? randomBytes(32) : new Uint8Array(32);
  const ctx = {
    self: link.identity,
    ownMessengerUrl: link.messengerUrl,
    now: Date.now(),
    replay,
    freshKey: () => randomBytes(32),
    ephemeral: { privateKey: ephPrivate, publicKey: env.type === 'hello' ? x25519PublicKey(ephPrivate) : new Uint8Array(32) },
  };
  const notProcessed = (error: string) =>
    onEvent({ type: 'not_processed', what: env.type ?? 'message', error, ...(env.id ? { id: env.id } : {}), ...(env.sender_id ? { from: env.sender_id } : {}) });
  // Most of what a flood sends changes nothing (refused HELLOs, duplicates, junk): decide
  // those on the current file without the lock, which is only taken for real changes.
  const quick = handleInbound(await link.store.read().catch(() => emptyCache()), env, ctx);
  let result: InboundResult | undefined = !quick.changed && quick.outbound.length === 0 ? quick : undefined;
  // A live holder releases the lock within milliseconds; wait for it (4 tries), and if the
  // cache still cannot be read or written, say so with the message id instead of dropping it.
  for (let attempt = 0; attempt < 4 && !result; attempt++) {
    try {
      result = await link.store.update(
        (c) => {
          const r = handleInbound(c, env, ctx);
          return { cache: r.changed ? r.cache : undefined, result: r };
        },
        { signal, timeoutMs: timing.lockTimeoutMs },
      );
    } catch (e) {
      if (signal.aborted) return void (await notProcessed('stopped while waiting for the session cache lock'));
      if (!(e instanceof LockTimeoutError)) return void (await notProcessed(`session cache: ${(e as Error).message}`));
    }
  }
  if (!result) return void (await notProcessed('the session cache stayed locked; the message was not processed'));
  for (const e of result.events) await onEvent(e);
  await postOutbound(link, result.outbound, onEvent, signal);
}

/** Posts what a step produced (posting.ts) and reports every failure and refusal as an event. */
async function postOutbound(link: Link, outbound: Outbound[], onEvent: OnEvent, signal: AbortSignal): Promise<void> {
  if (!outbound.length) return;
  const posted = await postInOrder(link, outbound, signal);
  for (const { post, verdict, error } of posted.results) {
    if (verdict === 'ok') {
      if (post.message.type === 'hello_ack') link.log(`HELLO_ACK sent to ${short(post.message.receiver_id)}`);
    } else if (verdict !== 'refused') {
      // A message from the outbox that did not get out is back in the queue for the next tick.
      await onEvent({ type: 'send_failed', to: post.message.receiver_id, what: post.message.type, error });
    }
  }
  for (const r of posted.refused) await onEvent({ type: 'refused', ...r });
  if (posted.recordError) await onEvent({ type: 'rejected', what: 'outbox', detail: `outbox: could not record the sends (${posted.recordError}); unconfirmed messages may go out again later` });
}

/** Links whose tick is running: a slow one (its POSTs may take OPENNEXUS_HTTP_TIMEOUT each) is not overlapped by the next. */
const ticking = new WeakSet<Link>();

/** Runs the outbox's tick under the lock when there is an outbox, then posts what it produced. */
async function outboxTick(link: Link, onEvent: OnEvent, timing: ListenTiming, signal: AbortSignal): Promise<void> {
  if (ticking.has(link)) return;
  ticking.add(link);
  try {
    const now = Date.now();
    const snapshot = await link.store.read();
    // Nothing to do unless something waits or has expired (most ticks): no lock, no write.
    if (signal.aborted || !snapshot.outbox.some((e) => e.state === 'queued' || e.expiresMs <= now || isStale(e, now))) return;
    const ctx = { self: link.identity, ownMessengerUrl: link.messengerUrl, now, freshKey: () => randomBytes(32) };
    const r = await link.store.update(
      (c) => {
        const t = tick(c, ctx);
        return { cache: t.changed ? t.cache : undefined, result: t };
      },
      { signal, timeoutMs: timing.lockTimeoutMs },
    );
    for (const e of r.events) await onEvent(e);
    await postOutbound(link, r.outbound, onEvent, signal);
  } catch (e) {
    if (!signal.aborted) await onEvent({ type: 'rejected', what: 'outbox', detail: `outbox: ${(e as Error).message}` });
  } finally {
    ticking.delete(link);
  }
}
