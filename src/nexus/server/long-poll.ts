/**
 * The long-poll (nexus spec §2.6 poll, `wait=S`): a poll with nothing new after its cursor is
 * parked until the session's next message, or for S seconds (then an empty page with the same
 * nextCursor). It is a plain answer that comes later: a session that ends while the poll is
 * parked (expired, swept, the agent left) gets its real 404 or 403, and a client that goes
 * away (the request's signal) takes its waiter with it.
 *
 * The store is the truth, a wake only a hint (waiters.ts): the waiter is registered BEFORE the
 * store is read again, so a message stored between the first read and the registration is
 * found by that read, and one stored after it wakes the waiter.
 */
import type { HttpResponse } from '../../http/types.ts';
import type { ServerContext } from './context.ts';
import { CLOSED_MESSAGE } from './close.ts';
import { apiError } from './rules.ts';
import { pollBody } from './views.ts';

/** The longest wait (nexus spec §2.6): below the common 60 s idle timeout of proxies. */
export const MAX_WAIT_SECONDS = 55;

/** `wait` in seconds, 0 (the default: answer at once) to 55; a longer one is cut to 55. */
export function parseWait(v: string | null): number {
  if (v === null || v === '') return 0;
  if (!/^\d{1,6}(?:\.\d{1,3})?$/.test(v)) throw apiError(400, 'invalid_request', `wait must be a number of seconds from 0 to ${MAX_WAIT_SECONDS}`, { details: [{ path: 'wait', message: 'not a number of seconds' }] });
  return Math.min(Number(v), MAX_WAIT_SECONDS);
}

export interface ParkedPoll {
  sessionId: string;
  agentId: string;
  after: number;
  limit: number;
  members: boolean;
  ip: string;
  waitMs: number;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

const answer = (status: number, body: string): HttpResponse => ({ status, headers: JSON_HEADERS, body });
const errorAnswer = (status: number, error: string, message: string, extra?: Record<string, string>) => answer(status, JSON.stringify({ error, message, ...extra }));

/** Refused before parking: this session or this address has its share of parked requests. */
export function tooManyWaiters(): never {
  throw apiError(429, 'too_many_waiters', 'too many parked polls or event streams on this session or from this address; close one, or poll without wait', { retryAfter: 5 });
}

export function parkPoll(ctx: ServerContext, p: ParkedPoll, signal?: AbortSignal): Promise<HttpResponse> {
  const { sessionId: id, agentId } = p;
  return new Promise((resolve) => {
    let done = false;
    let timedOut = false;
    let expiryTimer: NodeJS.Timeout | undefined;
    const waitTimer = setTimeout(() => {
      timedOut = true;
      void check();
    }, p.waitMs);
    const finish = (r: HttpResponse) => {
      if (done) return;
      done = true;
      clearTimeout(waitTimer);
      clearTimeout(expiryTimer);
      unregister?.();
      signal?.removeEventListener('abort', onGone);
      resolve(r);
    };
    // The client went away: nobody reads the answer, but the waiter and the timers must go.
    const onGone = () => finish(errorAnswer(499, 'client_closed', 'the client closed the connection'));
    // Reads the store: answers when there is something (or the wait is over), else waits on.
    const check = async (): Promise<void> => {
      if (done) return;
      try {
        const t = ctx.now();
        const s = await ctx.store.getSession(id);
        if (!s || s.expiresAt <= t) return finish(s?.closedAt ? errorAnswer(404, 'session_not_found', CLOSED_MESSAGE, { reason: 'closed' }) : errorAnswer(404, 'session_not_found', 'no such session, or it has expired'));
        if (!s.agents.some((a) => a.agentId === agentId)) return finish(errorAnswer(403, 'agent_not_in_session', `agent "${agentId}" is not in this session`));
        const { messages, more } = await ctx.store.messagesAfter(id, p.after, p.limit, ctx.config.maxPollBytes);
        if (messages.length || timedOut) return finish(answer(200, pollBody(messages, more, p.after, s, p.members, agentId)));
        // A session that would expire before the wait ends is looked at again then (404).
        clearTimeout(expiryTimer);
        if (s.expiresAt - t < p.waitMs) expiryTimer = setTimeout(() => void check(), Math.max(0, s.expiresAt - t) + 1);
      } catch {
        finish(errorAnswer(503, 'storage_unavailable', 'the store could not be read; poll again'));
      }
    };
    const unregister = ctx.waiters.add(id, p.ip, () => void check());
    if (!unregister) return finish(errorAnswer(429, 'too_many_waiters', 'too many parked polls or event streams on this session or from this address'));
    if (signal?.aborted) return onGone();
    signal?.addEventListener('abort', onGone, { once: true });
    void check();
  });
}
