/**
 * What the sending and listening sides share: this agent's identity, its own messenger, the
 * session cache, and the two HTTP calls every message takes (opennexus spec §5: POST
 * /v1/messages with X-Agent-ID; GET /v1/messages/stream).
 */
import type { Identity } from './core/identity.ts';
import { stringifyJson } from './core/json.ts';
import { accepted } from './core/outbox.ts';
import { STREAM_AUTH_HEADER, streamProof } from './core/stream-auth.ts';
import type { OutboundMessage } from './core/wire.ts';
import { ClientError } from './errors.ts';
import type { SessionStore } from './session-store.ts';
import { openSse, postJson, type PostResult, type SseStream } from './transport.ts';

export const trimSlash = (u: string) => u.replace(/\/+$/, '');

/**
 * A messenger URL from the caller, checked before anything is queued or saved: http(s), with
 * no control characters (the URL parser would drop some silently). It is kept as the parser
 * writes it (non-ASCII and quotes %-escaped), at most 2,048 characters: it travels in every
 * HELLO and DATA, whose body the messenger caps at 64 KiB (core/outbox.ts MAX_MESSAGE_BYTES).
 */
export function checkedMessengerUrl(u: string, whose: string): string {
  let href: string | undefined;
  try {
    const url = new URL(u);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && !/[\u0000-\u0020\u007f]/.test(u)) href = trimSlash(url.href);
  } catch {
    href = undefined;
  }
  if (href === undefined || href.length > 2048) throw new ClientError('invalid_url', `${whose} messenger URL must be an http(s) URL of at most 2048 characters, got ${JSON.stringify(clip(u))}`);
  return href;
}
export const short = (id: string) => `${id.slice(0, 16)}...`;
/** A server's answer in an error message: the start of it is enough. */
export const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}...` : s);

export class Link {
  constructor(
    readonly identity: Identity,
    readonly messengerUrl: string,
    readonly store: SessionStore,
    /** Deadline of one request, and of opening a stream (opennexus spec §3: 20 s). */
    readonly timeoutMs: number,
    readonly log: (line: string) => void,
  ) {}

  get headers(): Record<string, string> {
    return { 'X-Agent-ID': this.identity.agentIdB64 };
  }

  /** A POST whose failure is an answer, not an exception: status null when none came. */
  async tryPost(url: string, message: OutboundMessage, signal?: AbortSignal): Promise<{ status: number | null; error: string }> {
    try {
      const r = await this.post(url, message, signal);
      return { status: r.status, error: accepted(r.status) ? '' : `HTTP ${r.status}: ${clip(r.body)}` };
    } catch (e) {
      return { status: null, error: (e as Error).message };
    }
  }

  async post(url: string, message: OutboundMessage, signal?: AbortSignal): Promise<PostResult> {
    try {
      return await postJson(`${trimSlash(url)}/v1/messages`, stringifyJson(message), this.headers, this.timeoutMs, signal);
    } catch (e) {
      throw new ClientError(signal?.aborted ? 'aborted' : 'network', (e as Error).message);
    }
  }

  /**
   * The agent's stream on its own messenger; `watch` streams do not take the offline backlog.
   * Always with a fresh proof of the agent's key (core/stream-auth.ts), which a messenger with
   * REQUIRE_STREAM_AUTH=1 demands and any other ignores.
   */
  async openStream(opts: { watch?: boolean; signal?: AbortSignal } = {}): Promise<SseStream> {
    const headers = { ...this.headers, [STREAM_AUTH_HEADER]: streamProof(this.identity, Date.now()) };
    try {
      return await openSse(`${this.messengerUrl}/v1/messages/stream${opts.watch ? '?drain=0' : ''}`, headers, opts.signal, this.timeoutMs);
    } catch (e) {
      throw new ClientError(opts.signal?.aborted ? 'aborted' : 'network', (e as Error).message);
    }
  }
}
