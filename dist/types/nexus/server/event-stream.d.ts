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
import type { HttpResponse } from '../../http/types.js';
import type { ServerContext } from './context.js';
/** Unsent bytes a stream may leave with the socket before it stops reading the store. */
export declare const SOCKET_WATER: number;
/** What a client should wait before reconnecting (the SSE `retry:` field). */
export declare const RETRY_MS = 2000;
export interface StreamRequest {
    sessionId: string;
    agentId: string;
    key: string | undefined;
    /** The last cursor the client has: Last-Event-ID, else `after`; -1 from the beginning. */
    from: number;
    ip: string;
}
export declare function eventStream(ctx: ServerContext, r: StreamRequest): HttpResponse;
