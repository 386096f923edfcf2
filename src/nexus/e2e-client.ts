/**
 * The client side of end-to-end sessions (docs/spec/nexus-e2e.md): what NexusAgent does around
 * the pure core (e2e.ts). Sealing sanitises first with the server's own rules (e2e spec §8: the
 * server cannot see into a sealed message), then seals with fresh randomness; reading opens each
 * message, reports one that does not open (never its ciphertext as text) and one whose msgid was
 * already seen at another cursor (a replay), remembering msgids per agent in `e2e-seen`.
 */
import { CodedError } from '../errors.ts';
import { randomBytes } from '../opennexus/core/crypto.ts';
import { sanitizeJson, sanitizeText } from './server/sanitizer.ts';
import { checkJsonPayload, DEFAULT_MAX_JSON_NODES, DEFAULT_MAX_MESSAGE_CHARS, MAX_REQUEST_BYTES } from './server/budgets.ts';
import { apiError, invalidRequest } from './server/rules.ts';
import { decodeSecret, encodeSecret, envelopeId, idempotentFresh, MSGID_BYTES, NONCE_BYTES, open, seal, SECRET_BYTES, type Binding, type Plain } from './e2e.ts';
import type { NexusState } from './state.ts';

/** A refusal of the e2e layer, before or instead of a request: `exit` is the CLI's exit code. */
export class E2eError extends CodedError {
  constructor(
    code: string,
    message: string,
    readonly exit = 1,
  ) {
    super(code, message);
  }
}

/** How many fresh secrets `newSecret` draws before it gives up on `fits`. */
const SECRET_TRIES = 64;

/**
 * e2e spec §2: a fresh 256-bit session secret, as its text. `fits`: whether a secret can be
 * used (the plugin's: whether the host would show its link to the model unmasked); secrets
 * that do not fit are drawn again, which keeps the choice uniform over the ones that do.
 */
export function newSecret(fits: (secret: string) => boolean = () => true): string {
  for (let i = 0; i < SECRET_TRIES; i++) {
    const secret = encodeSecret(randomBytes(SECRET_BYTES));
    if (fits(secret)) return secret;
  }
  throw new E2eError('e2e_key_unusable', `none of ${SECRET_TRIES} fresh keys fit (the host would mask the link's key in what the agent sees); nothing was created`);
}

export function secretBytes(text: string): Uint8Array {
  const s = decodeSecret(text);
  if (!s) throw new E2eError('e2e_bad_key', 'the saved end-to-end key is not 32 bytes of base64url');
  return s;
}

const fresh = () => ({ msgid: randomBytes(MSGID_BYTES), nonce: randomBytes(NONCE_BYTES) });

export interface Redaction {
  type: string;
  count: number;
}

/**
 * The server's limits for a message (nexus spec §2.3, §2.4, with the defaults of MAX_JSON_NODES and
 * MAX_MESSAGE_CHARS), which it cannot check in an envelope: checked before sealing (e2e spec §8),
 * with the server's own errors (an HttpError: exit 1, as the server's answer would be).
 */
export function checkOutgoing(input: { text?: string; json?: unknown }): void {
  const body = JSON.stringify(input.json !== undefined ? { json: input.json } : { text: input.text ?? '' });
  if (Buffer.byteLength(body) > MAX_REQUEST_BYTES) throw apiError(413, 'payload_too_large', 'request body is larger than 256 KiB');
  if (input.json !== undefined) checkJsonPayload(input.json, DEFAULT_MAX_JSON_NODES);
  else if ((input.text ?? '').length > DEFAULT_MAX_MESSAGE_CHARS) throw invalidRequest('text', `text must be at most ${DEFAULT_MAX_MESSAGE_CHARS} characters`);
}

/** Sanitises (the server's rules, nexus spec §2.7) and seals one outgoing message or greeting. */
export function sealOutgoing(secret: string, b: Binding, input: { text?: string; json?: unknown }, idempotencyKey?: string): { envelope: string; redactions: Redaction[] } {
  const counts: Record<string, number> = {};
  const m: Plain = input.json !== undefined ? { t: 'json', j: sanitizeJson(input.json, counts) } : { t: 'text', j: sanitizeText(input.text ?? '', counts).text };
  const key = secretBytes(secret);
  const envelope = seal(key, b, m, idempotencyKey ? idempotentFresh(key, b, idempotencyKey, m) : fresh());
  return { envelope, redactions: Object.entries(counts).map(([type, count]) => ({ type, count })) };
}

type Body = Record<string, unknown>;

/** The most msgids remembered per agent and session (e2e spec §6): older ones are forgotten. */
export const SEEN_MAX = 4096;

/**
 * Opens the messages one agent reads from one session. `load` before, `save` after (only when
 * something was added). A message keeps its metadata; its `text` (and `json`) become the opened
 * plaintext, or, when it does not open, go away and `e2e: "failed"` with a `reason` says why.
 */
export class E2eReader {
  private seen = new Map<string, string>();
  private dirty = false;

  constructor(
    private readonly state: NexusState,
    private readonly sessionId: string,
    private readonly agentId: string,
    private readonly secret: Uint8Array,
  ) {}

  async load(): Promise<this> {
    for (const line of (await this.state.loadSeen(this.sessionId, this.agentId)).split('\n')) {
      const [id, cursor] = line.split(' ');
      if (id && cursor) this.seen.set(id, cursor);
    }
    return this;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    const lines = [...this.seen].slice(-SEEN_MAX).map(([id, c]) => `${id} ${c}\n`);
    await this.state.saveSeen(this.sessionId, this.agentId, lines.join(''));
    this.dirty = false;
  }

  open(m: Body): Body {
    // The server's own messages (the cron reminder) are not sealed: it wrote them.
    if (m.type === 'system') return m;
    const greeting = m.type === 'greeting';
    const b: Binding = greeting ? { kind: 'greeting', sessionId: '', sender: '' } : { kind: 'msg', sessionId: this.sessionId, sender: String(m.agentId ?? '') };
    const { text: _t, json: _j, ...meta } = m;
    const failed = (reason: string): Body => ({ ...meta, e2e: 'failed', reason });
    if (m.json !== undefined) return failed('not_sealed');
    const o = open(this.secret, b, m.text);
    if (!o.ok) return failed(o.reason);
    const cursor = String(m.cursor);
    const before = this.seen.get(o.msgid);
    if (before !== undefined && before !== cursor) return { ...meta, e2e: 'replay', reason: `already received at cursor ${before}` };
    if (before === undefined) {
      this.seen.set(o.msgid, cursor);
      this.dirty = true;
    }
    return o.message.t === 'text' ? { ...meta, text: o.message.j, e2e: true } : { ...meta, text: '', json: o.message.j, e2e: true };
  }
}

/**
 * e2e spec §6: a reader without the session's key (it joined by id, or its key file is empty) in
 * a session the server marks E2E: a sealed message is `e2e: "failed"`, `reason: "no_key"`, never text.
 */
export function withoutKey(m: Body): Body {
  if (!m || typeof m !== 'object' || m.type === 'system' || envelopeId(m.text) === null) return m;
  const { text: _t, json: _j, ...meta } = m;
  return { ...meta, e2e: 'failed', reason: 'no_key' };
}

/** What an agent without the key is told (join, send, poll; e2e spec §6, §9). */
export const NO_KEY_MESSAGE = "this session is end-to-end encrypted and this agent has no key for it (only an agent that claimed the WHOLE pairing link, including the part after #, has one): it cannot read or send messages here. Ask for a new pairing link and claim it whole.";

/**
 * e2e spec §5: an E2E session created without a greeting gets a sealed empty one, the key check a
 * claimer opens before claiming (§9). Opened, it is not a message: readers leave it out.
 */
export function isKeyCheck(m: Body): boolean {
  return m.type === 'greeting' && m.e2e === true && m.text === '' && m.json === undefined;
}

/** Whether a message failed to open (or was a replay): such a message has no text to show. */
export function unreadable(m: Body): boolean {
  return m.e2e === 'failed' || m.e2e === 'replay';
}

/** e2e spec §9: before a claim, the sealed greeting proves the link's key is the session's (a wrong key is bad input: exit 2). */
export function checkGreeting(secret: Uint8Array, envelope: unknown): void {
  if (envelopeId(envelope) === null) return;
  if (!open(secret, { kind: 'greeting', sessionId: '', sender: '' }, envelope).ok) {
    throw new E2eError('e2e_bad_key', "the key in the link does not open this session's greeting: the link was changed or cut; ask for the whole link again. Nothing was claimed.", 2);
  }
}
