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
import type { HttpResponse } from '../../http/types.js';
import type { ServerContext } from './context.js';
/** The longest wait (nexus spec §2.6): below the common 60 s idle timeout of proxies. */
export declare const MAX_WAIT_SECONDS = 55;
/** `wait` in seconds, 0 (the default: answer at once) to 55; a longer one is cut to 55. */
export declare function parseWait(v: string | null): number;
export interface ParkedPoll {
    sessionId: string;
    agentId: string;
    after: number;
    limit: number;
    members: boolean;
    ip: string;
    waitMs: number;
}
/** Refused before parking: this session or this address has its share of parked requests. */
export declare function tooManyWaiters(): never;
export declare function parkPoll(ctx: ServerContext, p: ParkedPoll, signal?: AbortSignal): Promise<HttpResponse>;
