/**
 * End-to-end encrypted NexusMessaging sessions (docs/spec/nexus-e2e.md): the pure core. No I/O,
 * no clock; randomness (message ids, nonces, the session secret) is passed in. The primitives
 * come from the one crypto module (opennexus/core/crypto.ts): HKDF-SHA256 and AES-256-GCM.
 *
 * Envelope (e2e spec §3): `e2e1.<msgid>.<nonce>.<ciphertext+tag>`, each part base64url without
 * padding; msgid is 16 random bytes chosen by the sender (independent of the server's cursor),
 * the nonce 12. The plaintext is JSON `{"t":"text"|"json","j":<text or json value>}`.
 */
import { fromUtf8, utf8 } from '../opennexus/core/bytes.ts';
import { aesGcmOpen, aesGcmSeal, hkdfSha256 } from '../opennexus/core/crypto.ts';

export const SECRET_BYTES = 32;
export const MSGID_BYTES = 16;
export const NONCE_BYTES = 12;
/** e2e spec §3: what the server recognises as a sealed message (it never opens one). */
export const ENVELOPE = /^e2e1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$/;

export type Kind = 'msg' | 'greeting';
/** What a sealed message carries: a text, or a json value (e2e spec §3). */
export type Plain = { t: 'text'; j: string } | { t: 'json'; j: unknown };

/** Whose message, in which session: bound into the key and the associated data (e2e spec §4). */
export interface Binding {
  kind: Kind;
  /** The session id; "" for the greeting, sealed before the server names the session (e2e spec §5). */
  sessionId: string;
  /** The sender's agent id; "" for the greeting (e2e spec §5). */
  sender: string;
}

export const b64u = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64url');
function unb64u(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64url'));
}

/** The secret as the link's fragment carries it (`#k=<43 base64url characters>`, e2e spec §2). */
export function encodeSecret(secret: Uint8Array): string {
  if (secret.length !== SECRET_BYTES) throw new Error(`an e2e session secret is ${SECRET_BYTES} bytes`);
  return b64u(secret);
}

/** The secret from its text; null when it is not 32 bytes of canonical base64url. */
export function decodeSecret(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return null;
  const b = unb64u(text);
  return b.length === SECRET_BYTES && b64u(b) === text ? b : null;
}

/** e2e spec §2: the session secret is 32 bytes; anything else is the caller's mistake, said clearly. */
function checkSecret(secret: Uint8Array): void {
  if (!(secret instanceof Uint8Array) || secret.length !== SECRET_BYTES) {
    throw new TypeError(`e2e: the session secret must be ${SECRET_BYTES} bytes (a Uint8Array; decodeE2eSecret reads the link's #k= text), got ${secret instanceof Uint8Array ? `${secret.length} bytes` : typeof secret}`);
  }
}

/** e2e spec §4: one AES-256-GCM key per sender (and one for the greeting). */
export function messageKey(secret: Uint8Array, b: Binding): Uint8Array {
  checkSecret(secret);
  const info = b.kind === 'greeting' ? 'nexus-e2e v1 greeting' : `nexus-e2e v1 msg ${b.sender}`;
  return hkdfSha256(secret, utf8(b.sessionId), utf8(info), 32);
}

/** e2e spec §4: the associated data, NUL-separated (no field can hold a NUL). */
export function associatedData(b: Binding, msgid: string): Uint8Array {
  return utf8(`nexus-e2e v1\0${b.kind}\0${b.sessionId}\0${b.sender}\0${msgid}`);
}

export interface Fresh {
  msgid: Uint8Array;
  nonce: Uint8Array;
}

/** Seals one message into its envelope text. */
export function seal(secret: Uint8Array, b: Binding, m: Plain, fresh: Fresh): string {
  if (fresh.msgid.length !== MSGID_BYTES || fresh.nonce.length !== NONCE_BYTES) throw new Error('e2e: msgid is 16 bytes, nonce 12');
  const msgid = b64u(fresh.msgid);
  const ct = aesGcmSeal(messageKey(secret, b), fresh.nonce, utf8(JSON.stringify(m)), associatedData(b, msgid));
  return `e2e1.${msgid}.${b64u(fresh.nonce)}.${b64u(ct)}`;
}

/**
 * e2e spec §6: when a retry must post the same envelope (an idempotency key), its msgid and
 * nonce come from the secret, the sender, the key and the plaintext: the same message gives the
 * same envelope, another message another nonce (a nonce is never reused with other content).
 */
export function idempotentFresh(secret: Uint8Array, b: Binding, idempotencyKey: string, m: Plain): Fresh {
  checkSecret(secret);
  const info = utf8(`nexus-e2e v1 idem\0${b.kind}\0${b.sender}\0${idempotencyKey}\0${JSON.stringify(m)}`);
  const out = hkdfSha256(secret, utf8(b.sessionId), info, MSGID_BYTES + NONCE_BYTES);
  return { msgid: out.slice(0, MSGID_BYTES), nonce: out.slice(MSGID_BYTES) };
}

export type Opened = { ok: true; msgid: string; message: Plain } | { ok: false; reason: string };

/** The msgid of an envelope (unauthenticated until it opens), or null. */
export function envelopeId(text: unknown): string | null {
  return typeof text === 'string' && ENVELOPE.test(text) ? text.split('.')[1]! : null;
}

/** Opens an envelope; never throws for what the envelope holds (a failure says why, and nothing of its content); a secret that is not 32 bytes throws. */
export function open(secret: Uint8Array, b: Binding, text: unknown): Opened {
  checkSecret(secret);
  if (typeof text !== 'string' || !ENVELOPE.test(text)) return { ok: false, reason: 'not_sealed' };
  const [, msgid, nonce, ct] = text.split('.') as [string, string, string, string];
  const n = unb64u(nonce);
  const sealed = unb64u(ct);
  // Canonical base64url only: another spelling of the same bytes is another envelope.
  if (b64u(n) !== nonce || b64u(sealed) !== ct || b64u(unb64u(msgid)) !== msgid) return { ok: false, reason: 'malformed' };
  let plain: Uint8Array;
  try {
    plain = aesGcmOpen(messageKey(secret, b), n, sealed, associatedData(b, msgid));
  } catch {
    return { ok: false, reason: 'authentication_failed' };
  }
  const decoded = fromUtf8(plain);
  if (decoded === null) return { ok: false, reason: 'malformed_plaintext' };
  let v: unknown;
  try {
    v = JSON.parse(decoded);
  } catch {
    return { ok: false, reason: 'malformed_plaintext' };
  }
  const p = v as { t?: unknown; j?: unknown };
  if (!p || typeof p !== 'object' || (p.t !== 'text' && p.t !== 'json') || !('j' in p)) return { ok: false, reason: 'malformed_plaintext' };
  if (p.t === 'text' && typeof p.j !== 'string') return { ok: false, reason: 'malformed_plaintext' };
  return { ok: true, msgid, message: p as Plain };
}

/**
 * e2e spec §7: the safety code both humans compare: HKDF-SHA256 over the secret, salted with
 * the session id, with the sorted member ids in the info; the first 8 bytes as a big-endian
 * integer modulo 10^12, as 12 digits in 3 groups of 4.
 */
export function safetyCode(secret: Uint8Array, sessionId: string, members: string[]): string {
  checkSecret(secret);
  const ids = [...new Set(members)].sort();
  const out = hkdfSha256(secret, utf8(sessionId), utf8(`nexus-e2e v1 safety\0${ids.join('\0')}`), 8);
  let n = 0n;
  for (const x of out) n = (n << 8n) | BigInt(x);
  const digits = (n % 10n ** 12n).toString().padStart(12, '0');
  return `${digits.slice(0, 4)} ${digits.slice(4, 8)} ${digits.slice(8)}`;
}

// The library's names (src/index.ts) for other clients.
export const e2eSeal = seal;
export const e2eOpen = open;
export const encodeE2eSecret = encodeSecret;
export const decodeE2eSecret = decodeSecret;
export type E2eBinding = Binding;
export type E2ePlain = Plain;
export type E2eOpened = Opened;
