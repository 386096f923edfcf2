/**
 * Idempotent sends (nexus spec §2.3 send, `Idempotency-Key`): a client that retries a send it
 * never got an answer for (a timeout, a dropped connection) must not post the message twice.
 * A repeat of (session, agent, key) gets the first answer, status and body, while it is kept.
 * A repeat with a different message is refused (422 idempotency_key_reused) rather than
 * answered with the first message's success: the client meant to send something else.
 *
 * Bounded memory: the last `perSession` keys of a session, at most `total` in all (the oldest
 * go first), and a session's keys go with the session. A send still in flight is shared: a
 * repeat that arrives meanwhile waits for the first one's answer. Only answers are kept; a send
 * that failed (an error was thrown) is forgotten, so its retry runs again.
 */
import type { HttpResponse } from '../../http/types.ts';
import { apiError, invalidRequest } from './rules.ts';

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/** The header's value, checked: visible ASCII, 1-128 characters; undefined when absent. */
export function idempotencyKey(v: string | undefined): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (!IDEMPOTENCY_KEY.test(v)) throw invalidRequest('Idempotency-Key', 'Idempotency-Key must be 1-128 visible ASCII characters');
  return v;
}

/** The same key again, for another message: an error of the client's, not a replay. */
export const keyReused = () => apiError(422, 'idempotency_key_reused', 'this Idempotency-Key was already used for a different message in this session; use a new key for a new message');

/** Where first answers are kept: this process (IdempotentSends) or Redis (redis/idempotency.ts). */
export interface IdempotencyStore {
  /**
   * The first answer for (session, agent, key), or runs `send` and keeps its answer; `message`
   * identifies what is sent (a repeat with another one is keyReused).
   */
  run(sessionId: string, agentId: string, key: string, message: string, send: () => Promise<HttpResponse>): Promise<HttpResponse>;
  /** The session is gone: so are its keys. */
  drop(sessionId: string): void;
}

/** A kept answer given again. */
export const replayed = (first: HttpResponse): HttpResponse => ({ ...first, headers: { ...first.headers, 'idempotent-replayed': 'true' } });

/** What a key holds in memory: the message it was used for, and that send's answer. */
interface Kept {
  message: string;
  answer: Promise<HttpResponse>;
}

export class IdempotentSends implements IdempotencyStore {
  /** Insertion order is age order: the first entry is the oldest. */
  private readonly entries = new Map<string, Kept>();
  private readonly bySession = new Map<string, string[]>();

  constructor(
    private readonly perSession = 100,
    private readonly total = 100_000,
  ) {}

  /** The first answer for this key, or runs `send` and keeps its answer. */
  async run(sessionId: string, agentId: string, key: string, message: string, send: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const id = `${sessionId}\n${agentId}\n${key}`;
    const kept = this.entries.get(id);
    if (kept) {
      if (kept.message !== message) throw keyReused();
      const first = await kept.answer.catch(() => null);
      if (first) return replayed(first);
      return this.run(sessionId, agentId, key, message, send);
    }
    const p = send();
    this.keep(sessionId, id, { message, answer: p });
    p.catch(() => this.forget(sessionId, id));
    return p;
  }

  /** The session is gone: so are its keys. */
  drop(sessionId: string): void {
    for (const id of this.bySession.get(sessionId) ?? []) this.entries.delete(id);
    this.bySession.delete(sessionId);
  }

  get size(): number {
    return this.entries.size;
  }

  private keep(sessionId: string, id: string, entry: Kept): void {
    this.entries.set(id, entry);
    let ids = this.bySession.get(sessionId);
    if (!ids) this.bySession.set(sessionId, (ids = []));
    ids.push(id);
    if (ids.length > this.perSession) this.entries.delete(ids.shift()!);
    while (this.entries.size > this.total) {
      const oldest = this.entries.keys().next().value as string;
      this.forget(oldest.slice(0, oldest.indexOf('\n')), oldest);
    }
  }

  private forget(sessionId: string, id: string): void {
    if (!this.entries.delete(id)) return;
    const ids = this.bySession.get(sessionId);
    if (!ids) return;
    const i = ids.indexOf(id);
    if (i >= 0) ids.splice(i, 1);
    if (!ids.length) this.bySession.delete(sessionId);
  }
}
