/**
 * A session's messages as Server-Sent Events (nexus spec §2.6, `GET .../messages/stream`): one
 * event per message, `id: <cursor>` and `data:` the message as a poll shows it (with `mine`),
 * so a client that reconnects with `Last-Event-ID` continues after the last one it got, with
 * no gap and no repeat. A `retry:` line first; a keepalive comment when idle (each also counts
 * as the member's activity, as a poll does); `event: expired` when the session ends.
 *
 * The stream pulls from the store (the truth; a wake only says "look again", waiters.ts) and
 * reads the next page only while the socket holds less than SOCKET_WATER unsent bytes, so a
 * client that reads slowly or not at all costs at most that much memory: it stays behind in
 * the store, which keeps messages within its own budgets, as it does for a poller.
 */
import type { HttpResponse, StreamWrite } from '../../http/types.ts';
import type { ServerContext } from './context.ts';
import { pollSession } from './sessions.ts';
import { wireFor } from './views.ts';

/** Unsent bytes a stream may leave with the socket before it stops reading the store. */
export const SOCKET_WATER = 64 * 1024;
/** What a client should wait before reconnecting (the SSE `retry:` field). */
export const RETRY_MS = 2000;
const PAGE = 100;

export interface StreamRequest {
  sessionId: string;
  agentId: string;
  key: string | undefined;
  /** The last cursor the client has: Last-Event-ID, else `after`; -1 from the beginning. */
  from: number;
  ip: string;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' };

/** The last event: the session is gone (or the reader is no longer a member). */
function endEvent(event: 'expired' | 'error', body: Record<string, unknown>): string {
  return `event: ${event}\ndata: ${JSON.stringify({ type: event, ...body })}\n\n`;
}

export function eventStream(ctx: ServerContext, r: StreamRequest): HttpResponse {
  const { sessionId: id, agentId } = r;
  return {
    status: 200,
    headers: SSE_HEADERS,
    stream: {
      open(rawWrite: StreamWrite, end, flow) {
        let cursor = r.from;
        let closed = false;
        let pumping = false;
        let again = false;
        const buffered = () => flow?.buffered() ?? 0;
        const close = (last?: string) => {
          if (closed) return;
          if (last) rawWrite(last);
          stop();
          end();
        };
        const write = (chunk: string): boolean => {
          if (closed) return false;
          if (rawWrite(chunk)) return true;
          close();
          return false;
        };
        // A closed session (close.ts) ends as an expired one does, with `reason: closed` for those who read it.
        const gone = (closedAt?: number) => close(endEvent('expired', { error: 'session_not_found', sessionId: id, cursor: String(Math.max(cursor, 0)), ...(closedAt ? { reason: 'closed' } : {}) }));
        // Writes what the store has after `cursor`, page by page, while the socket has room.
        const pump = async (): Promise<void> => {
          if (closed) return;
          if (pumping) {
            again = true;
            return;
          }
          pumping = true;
          try {
            do {
              again = false;
              while (!closed && buffered() < SOCKET_WATER) {
                const s = await ctx.store.getSession(id);
                if (!s || s.expiresAt <= ctx.now()) return gone(s?.closedAt);
                if (!s.agents.some((a) => a.agentId === agentId)) return close(endEvent('error', { error: 'agent_not_in_session', sessionId: id }));
                const page = await ctx.store.messagesAfter(id, cursor, PAGE, ctx.config.maxPollBytes);
                for (const m of page.messages) {
                  if (closed || !write(`id: ${m.cursor}\ndata: ${wireFor(m, agentId)}\n\n`)) return;
                  cursor = m.cursor;
                }
                if (!page.more) break;
              }
            } while (again && !closed);
          } catch {
            close(endEvent('error', { error: 'storage_unavailable', sessionId: id }));
          } finally {
            pumping = false;
          }
        };
        // An open stream is the member's activity, like a poll: it slides the TTL (SLIDE_ON_POLL).
        const tick = async () => {
          if (closed) return;
          const t = ctx.now();
          try {
            await ctx.update(id, t, (s) => pollSession(s, agentId, r.key, t, ctx.config.slideOnPoll));
          } catch (e) {
            const status = (e as { status?: number }).status;
            if (status === 404) return gone((await ctx.store.getSession(id).catch(() => null))?.closedAt);
            if (status === 401 || status === 403) return close(endEvent('error', { error: 'forbidden', sessionId: id }));
            // A storage failure: the stream goes on; the next tick tries again.
          }
          if (!closed && buffered() < SOCKET_WATER) write(': keepalive\n\n');
          void pump();
        };
        const keepalive = setInterval(() => void tick(), ctx.config.sseKeepaliveMs);
        keepalive.unref();
        const unregister = ctx.waiters.add(id, r.ip, () => void pump());
        function stop() {
          closed = true;
          clearInterval(keepalive);
          unregister?.();
        }
        if (!unregister) {
          close(endEvent('error', { error: 'too_many_waiters', sessionId: id }));
          return () => {};
        }
        flow?.onDrain(() => void pump());
        write(`retry: ${RETRY_MS}\n: connected\n\n`);
        void pump();
        return stop;
      },
    },
  };
}
