/**
 * OpenNexusClient: the TypeScript counterpart of the reference's Python API (opennexus spec
 * §4), a thin facade. Sending is sending.ts, listening is listening.ts, every protocol
 * decision is core/'s; the session cache is a SessionStore in `stateDir`. The caller says
 * where the messenger and the state are: the library reads no environment.
 */
import { identityFromKeyTexts, type Identity } from './core/identity.ts';
import { ClientError } from './errors.ts';
import { Link, checkedMessengerUrl } from './link.ts';
import { listen, type ClientEvent, type OnEvent } from './listening.ts';
import { send, type SendOptions, type SendResult } from './sending.ts';
import { SessionStore } from './session-store.ts';
import type { Files } from '../store/files.ts';

export { ClientError } from './errors.ts';
export type { ClientEvent } from './listening.ts';
export type { SendOptions, SendResult } from './sending.ts';

export const DEFAULT_MESSENGER_URL = 'https://api.opennexus.cc';

export interface OpenNexusClientOptions {
  identityPublicKey: string;
  identityPrivateKey: string;
  /** The same key pair, already loaded and checked (loadKeys): saves deriving it again. */
  identity?: Identity;
  /** This agent's own messenger (where its stream is and HELLO_ACKs come back). */
  messengerUrl: string;
  /** Where the session cache lives. */
  stateDir: string;
  /** opennexus spec §4.2: 30 s, enforced by a timer. */
  helloAckTimeoutMs?: number;
  /**
   * No longer used: `send` does not wait for a reset any more; the outbox keeps each message
   * until the peer answers on its session, and sends it again if the peer lost the session.
   */
  confirmMs?: number;
  /** How long a message is kept in the outbox (queued or unconfirmed); default 24 h. */
  outboxTtlMs?: number;
  /** How long one wait for the session cache lock may take (stream retries 4 times). */
  lockTimeoutMs?: number;
  /** opennexus spec §3: 20 s per POST; also the deadline for opening a stream. */
  postTimeoutMs?: number;
  /** Human status lines, in the reference's words (opennexus spec §4.2). */
  log?: (line: string) => void;
  /**
   * Who does the session cache's file work (store/files.ts). The thread pool by default;
   * `inlineFiles` only in a process that does nothing else meanwhile (a one-shot CLI command).
   */
  files?: Files;
}

export interface ReceivedMessage {
  from: string;
  /** What a reply needs: the sender's public key and messenger (`send({peerPublicKey: from})` works too). */
  publicKey: string;
  messengerUrl?: string;
  text: string;
  bytes: Uint8Array;
  sessionId: string;
  counter: string;
  id?: string;
  createdAt?: string;
}

export class OpenNexusClient {
  readonly identity: Identity;
  readonly messengerUrl: string;
  readonly store: SessionStore;
  private readonly link: Link;

  constructor(private readonly opts: OpenNexusClientOptions) {
    try {
      this.identity = opts.identity ?? identityFromKeyTexts(opts.identityPublicKey, opts.identityPrivateKey);
    } catch (e) {
      throw new ClientError('invalid_key', (e as Error).message);
    }
    this.messengerUrl = checkedMessengerUrl(opts.messengerUrl, "this agent's");
    this.store = new SessionStore(opts.stateDir, this.identity.agentId, opts.files, opts.log);
    this.link = new Link(this.identity, this.messengerUrl, this.store, opts.postTimeoutMs ?? 20_000, opts.log ?? (() => {}));
  }

  get agentId(): string {
    return this.identity.agentIdB64;
  }

  send(opts: SendOptions): Promise<SendResult> {
    return send(this.link, opts, { helloAckTimeoutMs: this.opts.helloAckTimeoutMs ?? 30_000, ttlMs: this.opts.outboxTtlMs ?? 24 * 3600_000 });
  }

  /** Listens until `signal` aborts, reporting every event (listening.ts). */
  listen(onEvent: OnEvent, opts: { signal?: AbortSignal } = {}): Promise<void> {
    return listen(this.link, onEvent, { lockTimeoutMs: this.opts.lockTimeoutMs ?? 15_000 }, opts);
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
          queue.push({
            from: e.from,
            publicKey: e.publicKey,
            ...(e.messengerUrl ? { messengerUrl: e.messengerUrl } : {}),
            text: e.text,
            bytes: e.bytes,
            sessionId: e.sessionId,
            counter: e.counter.toString(),
            ...(e.id ? { id: e.id } : {}),
            ...(e.createdAt ? { createdAt: e.createdAt } : {}),
          });
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
}
