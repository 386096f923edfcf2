/**
 * What the sending and listening sides share: this agent's identity, its own messenger, the
 * session cache, and the two HTTP calls every message takes (opennexus spec §5: POST
 * /v1/messages with X-Agent-ID; GET /v1/messages/stream).
 */
import type { Identity } from './core/identity.ts';
import { stringifyJson } from './core/json.ts';
import type { OutboundMessage } from './core/wire.ts';
import { ClientError } from './errors.ts';
import type { SessionStore } from './session-store.ts';
import { openSse, postJson, type PostResult, type SseStream } from './transport.ts';

export const trimSlash = (u: string) => u.replace(/\/+$/, '');
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

  async post(url: string, message: OutboundMessage, signal?: AbortSignal): Promise<PostResult> {
    try {
      return await postJson(`${trimSlash(url)}/v1/messages`, stringifyJson(message), this.headers, this.timeoutMs, signal);
    } catch (e) {
      throw new ClientError(signal?.aborted ? 'aborted' : 'network', (e as Error).message);
    }
  }

  /** The agent's stream on its own messenger; `watch` streams do not take the offline backlog. */
  async openStream(opts: { watch?: boolean; signal?: AbortSignal } = {}): Promise<SseStream> {
    try {
      return await openSse(`${this.messengerUrl}/v1/messages/stream${opts.watch ? '?drain=0' : ''}`, this.headers, opts.signal, this.timeoutMs);
    } catch (e) {
      throw new ClientError(opts.signal?.aborted ? 'aborted' : 'network', (e as Error).message);
    }
  }
}
