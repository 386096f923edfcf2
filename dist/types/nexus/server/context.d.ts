/**
 * What every route of the session server works with, built once per server (app.ts): the
 * settings, the store, the clock, fresh ids, the storage quota, the limiter of unknown pairing
 * codes, and the two ways to reach a live session (nexus spec §2.6: an expired session is gone).
 */
import { type RateLimiter } from '../../http/rate-limit.js';
import type { HttpRequest, HttpResponse } from '../../http/types.js';
import { type MaybePromise } from '../../maybe-promise.js';
import type { NexusStore, SessionRecord, Update } from '../../store/nexus-store.js';
import { type Quota } from './budgets.js';
import type { NexusConfig } from './config.js';
import { type IdempotencyStore } from './idempotency.js';
import { type Ids } from './ids.js';
import { type Fresh, type FreshAgent } from './sessions.js';
import { Waiters, type WakeBus } from './waiters.js';
export interface SessionServerDeps {
    config: NexusConfig;
    store: NexusStore;
    now?: () => number;
    random?: (bytes: number) => Uint8Array;
    /** Requests per client address (nexus spec §2.8); default: in-memory fixed windows. */
    requestLimiter?: RateLimiter;
    /** Unknown pairing codes per client address; default: in-memory fixed windows. */
    pairMissLimiter?: RateLimiter;
    /** Wakes to and from other instances (a shared store); default: this process only. */
    wakeBus?: WakeBus;
    /** Where Idempotency-Key answers are kept; default: this process. */
    idempotency?: IdempotencyStore;
    /** The session-storage quota; default: this process, counting the store's sessions at start. */
    quota?: Quota;
}
export interface ServerContext {
    config: NexusConfig;
    store: NexusStore;
    now: () => number;
    startedAt: number;
    ids: Ids;
    quota: Quota;
    /** Unknown pairing codes per client address (routes-pairing.ts: brute force). */
    pairMisses: RateLimiter;
    /** The time and a message id, drawn before a transition runs (sessions.ts). */
    fresh(): Fresh;
    /** The same and a session key, for a transition that may add an agent. */
    freshAgent(): FreshAgent;
    /** The base of links to this server (nexus spec §2.9 pairing URL). */
    baseUrl(req: HttpRequest): string;
    /** The live session, or 404; an expired one is dropped on the way. */
    live(id: string): Promise<SessionRecord>;
    /**
     * Runs a transition on the session live at `t`, atomically; 404 when there is none. Once it
     * is stored, a transition that appended messages, removed the session or changed its members
     * wakes the session's waiters.
     */
    update<T>(id: string, t: number, fn: (s: SessionRecord) => Update<T, SessionRecord>): MaybePromise<T>;
    /** Parked polls and open event streams (waiters.ts), woken after each stored change. */
    waiters: Waiters;
    /** Answers of sends made with an Idempotency-Key (idempotency.ts). */
    idempotent: IdempotencyStore;
    /** A session was deleted (expired, swept): its waiters learn it at once, its keys go. */
    gone(id: string): void;
}
export type RouteHandler = (ctx: ServerContext, req: HttpRequest, ...params: string[]) => Promise<HttpResponse> | HttpResponse;
/** One line of a route table: `METHOD path -> handler`; the path's groups are its parameters. */
export type Route = readonly [method: string, path: RegExp, handler: RouteHandler];
/** The X-Agent-Id of a request, checked (nexus spec §1.2(9)). */
export declare const requestAgent: (req: HttpRequest) => string;
export declare function createContext(deps: SessionServerDeps): ServerContext;
