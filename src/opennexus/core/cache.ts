/**
 * The session cache's content (opennexus spec §4.7) and its text form. The layout keeps the reference's
 * keys, with counters written as exact JSON integers, plus `rx_window` (our replay window),
 * `confirmed` and `last_used_ms` (core/limits.ts) and `resets` (when we last answered a peer's
 * session with a reset, for rate limiting), and `pending` (handshakes we began, with their
 * ephemeral keys). A reference cache's sessions count as confirmed.
 */
import { b64, unb64 } from './bytes.ts';
import { JsonNumber, isObject, parseOwnJson, stringifyJson, type JsonObject } from './json.ts';
import type { OutboxEntry } from './outbox.ts';
import { FULL_WINDOW, type Session } from './session.ts';

/** A handshake we began and whose HELLO_ACK has not come yet (core/initiator.ts). */
export interface PendingHandshake {
  /** Our ephemeral X25519 private key: the file is 0600 and the entry goes once completed. */
  ephPrivate: Uint8Array;
  peerPublicKey: string;
  peerUrl: string;
  startedMs: number;
}

export interface CacheState {
  sessions: Record<string, Session>;
  /** Peer id -> the handshake we began with it. */
  pending: Record<string, PendingHandshake>;
  /** What we sent or will send, until it is known to be delivered (core/outbox.ts). */
  outbox: OutboxEntry[];
  peerMessengerUrls: Record<string, string>;
  /** `${peerId}|${sessionId}` -> ms of the last reset we sent about that session. */
  resets: Record<string, number>;
}

export function emptyCache(): CacheState {
  return { sessions: {}, pending: {}, outbox: [], peerMessengerUrls: {}, resets: {} };
}

function int(v: unknown, dflt: bigint): bigint {
  return v instanceof JsonNumber && v.isInteger ? v.toBigInt() : dflt;
}

/** An unreadable or invalid file counts as empty; entries with bad keys are skipped (opennexus spec §4.7). */
export function parseCache(text: string): CacheState {
  return readCache(text)?.cache ?? emptyCache();
}

/**
 * The cache in `text` and how many of its entries were skipped as invalid, or null when it is not
 * one at all (not a JSON object). The store keeps a copy of such a file rather than overwrite it
 * unseen. A session without valid counters is skipped, never read with counter 0: that would
 * reuse AES-GCM nonces (sending) or take replays for new messages (receiving).
 */
export function readCache(text: string): { cache: CacheState; skipped: number } | null {
  const out = emptyCache();
  let skipped = 0;
  let root;
  try {
    root = parseOwnJson(text);
  } catch {
    return null;
  }
  if (!isObject(root)) return null;
  const sessions = isObject(root.sessions) ? root.sessions : {};
  for (const [peer, raw] of Object.entries(sessions)) {
    if (!isObject(raw)) continue;
    try {
      const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
      const counter = (v: unknown) => {
        if (!(v instanceof JsonNumber && v.isInteger)) throw new Error('no valid counter');
        return v.toBigInt();
      };
      const rxCounter = counter(raw.rx_counter);
      const w = raw.rx_window;
      out.sessions[peer] = {
        sessionId: unb64(str('session_id'), 32),
        txKey: unb64(str('tx_key'), 32),
        rxKey: unb64(str('rx_key'), 32),
        txCounter: counter(raw.tx_counter),
        rxCounter,
        // A reference cache has no window: treat every counter up to rx_counter as seen.
        rxWindow: typeof w === 'string' && /^[0-9a-f]{1,16}$/.test(w) ? BigInt(`0x${w}`) : rxCounter >= 0n ? FULL_WINDOW : 0n,
        peerPublicKey: str('peer_public_key'),
        localEphemeralPublicKey: str('local_ephemeral_public_key'),
        peerEphemeralPublicKey: str('peer_ephemeral_public_key'),
        confirmed: raw.confirmed !== false,
        lastUsedMs: Number(int(raw.last_used_ms, 0n)),
      };
    } catch {
      skipped++; // like the reference
    }
  }
  const pending = isObject(root.pending) ? root.pending : {};
  for (const [peer, raw] of Object.entries(pending)) {
    if (!isObject(raw)) continue;
    try {
      const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
      out.pending[peer] = { ephPrivate: unb64(str('eph_private'), 32), peerPublicKey: str('peer_public_key'), peerUrl: str('peer_url'), startedMs: Number(int(raw.started_ms, 0n)) };
    } catch {
      skipped++; // like a bad session
    }
  }
  const outbox = Array.isArray(root.outbox) ? root.outbox : [];
  for (const raw of outbox) {
    const str = (k: string) => (isObject(raw) && typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
    const id = str('id');
    const peer = str('peer');
    const bytes = str('bytes');
    if (!isObject(raw) || !id || !peer || bytes === undefined) {
      skipped++;
      continue;
    }
    try {
      out.outbox.push({
        id,
        peer,
        bytes: bytes === '' ? new Uint8Array(0) : unb64(bytes),
        createdMs: Number(int(raw.created_ms, 0n)),
        expiresMs: Number(int(raw.expires_ms, 0n)),
        state: raw.state === 'sent' || raw.state === 'posting' ? raw.state : 'queued',
        ...(str('session_id') ? { sessionId: str('session_id')! } : {}),
        ...(str('counter') ? { counter: str('counter')! } : {}),
        ...(raw.posted_ms instanceof JsonNumber ? { postedMs: Number(int(raw.posted_ms, 0n)) } : {}),
        ...(str('peer_public_key') ? { peerPublicKey: str('peer_public_key')! } : {}),
        ...(int(raw.requeues, 0n) > 0n ? { requeues: Number(int(raw.requeues, 0n)) } : {}),
        redelivered: raw.redelivered === true,
      });
    } catch {
      skipped++; // like a bad session
    }
  }
  const urls = isObject(root.peer_messenger_urls) ? root.peer_messenger_urls : {};
  for (const [peer, url] of Object.entries(urls)) if (typeof url === 'string') out.peerMessengerUrls[peer] = url;
  const resets = isObject(root.resets) ? root.resets : {};
  for (const [k, v] of Object.entries(resets)) if (v instanceof JsonNumber) out.resets[k] = v.toNumber();
  return { cache: out, skipped };
}

export function serializeCache(c: CacheState): string {
  const sessions: JsonObject = {};
  for (const [peer, s] of Object.entries(c.sessions)) {
    sessions[peer] = {
      session_id: b64(s.sessionId),
      tx_key: b64(s.txKey),
      rx_key: b64(s.rxKey),
      tx_counter: new JsonNumber(s.txCounter.toString()),
      rx_counter: new JsonNumber(s.rxCounter.toString()),
      rx_window: s.rxWindow.toString(16),
      peer_public_key: s.peerPublicKey,
      local_ephemeral_public_key: s.localEphemeralPublicKey,
      peer_ephemeral_public_key: s.peerEphemeralPublicKey,
      confirmed: s.confirmed,
      last_used_ms: new JsonNumber(String(s.lastUsedMs)),
    };
  }
  const pending: JsonObject = {};
  for (const [peer, p] of Object.entries(c.pending)) {
    pending[peer] = { eph_private: b64(p.ephPrivate), peer_public_key: p.peerPublicKey, peer_url: p.peerUrl, started_ms: new JsonNumber(String(p.startedMs)) };
  }
  const outbox = c.outbox.map((e) => ({
    id: e.id,
    peer: e.peer,
    bytes: b64(e.bytes),
    created_ms: new JsonNumber(String(e.createdMs)),
    expires_ms: new JsonNumber(String(e.expiresMs)),
    state: e.state,
    ...(e.sessionId ? { session_id: e.sessionId } : {}),
    ...(e.counter ? { counter: e.counter } : {}),
    ...(e.postedMs !== undefined ? { posted_ms: new JsonNumber(String(e.postedMs)) } : {}),
    ...(e.peerPublicKey ? { peer_public_key: e.peerPublicKey } : {}),
    ...(e.requeues ? { requeues: new JsonNumber(String(e.requeues)) } : {}),
    redelivered: e.redelivered,
  }));
  return stringifyJson({ sessions, pending, outbox, peer_messenger_urls: c.peerMessengerUrls, resets: c.resets });
}
