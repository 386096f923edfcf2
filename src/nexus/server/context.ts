/**
 * What every route of the session server works with, built once per server (app.ts): the
 * settings, the store, the clock, fresh ids, the storage quota, the limiter of unknown pairing
 * codes, and the two ways to reach a live session (nexus spec §2.6: an expired session is gone).
 */
import { FixedWindows, type RateLimiter } from '../../http/rate-limit.ts';
import type { HttpRequest, HttpResponse } from '../../http/types.ts';
import { isThenable, type MaybePromise } from '../../maybe-promise.ts';
import type { NexusStore, SessionRecord, Update } from '../../store/nexus-store.ts';
import { StorageQuota, type Quota } from './budgets.ts';
import type { NexusConfig } from './config.ts';
import { IdempotentSends, type IdempotencyStore } from './idempotency.ts';
import { serverIds, type Ids } from './ids.ts';
import { checkAgentId } from './rules.ts';
import { alive, type Fresh, type FreshAgent } from './sessions.ts';
import { Waiters, type WakeBus } from './waiters.ts';

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
export const requestAgent = (req: HttpRequest) => checkAgentId(req.headers['x-agent-id']);

const HOST = /^[A-Za-z0-9.\-:[\]]{1,255}$/;

export function createContext(deps: SessionServerDeps): ServerContext {
  const { config, store } = deps;
  const now = deps.now ?? Date.now;
  const ids = serverIds(deps.random);
  const quota = deps.quota ?? new StorageQuota(config.storagePerIp, config.storageTotal, store.listSessions());
  const waiters = new Waiters({ perSession: config.maxWaitersPerSession, perIp: config.maxWaitersPerIp });
  const idempotent = deps.idempotency ?? new IdempotentSends();
  // After a stored change: the waiters here, and (through the bus) those of other instances.
  const wake = (id: string) => {
    waiters.wake(id);
    deps.wakeBus?.publish(id);
  };
  const gone = (id: string) => {
    idempotent.drop(id);
    wake(id);
  };
  return {
    config,
    store,
    now,
    startedAt: now(),
    ids,
    quota,
    pairMisses: deps.pairMissLimiter ?? new FixedWindows({ max: config.pairFailLimit, windowMs: config.rateLimitWindowMs, now }),
    fresh: () => ({ now: now(), messageId: ids.messageId() }),
    freshAgent: () => ({ now: now(), messageId: ids.messageId(), sessionKey: ids.sessionKey() }),
    baseUrl(req) {
      if (config.publicBaseUrl) return config.publicBaseUrl;
      const host = req.headers.host && HOST.test(req.headers.host) ? req.headers.host : `localhost:${config.port}`;
      const proto = config.trustProxy && req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
      return `${proto}://${host}`;
    },
    async live(id) {
      const t = now();
      const s = await store.getSession(id);
      if (s && s.expiresAt > t) return s;
      if (s) {
        const dropped = await store.updateSession(id, (cur) => (cur && cur.expiresAt <= t ? { next: null, result: true } : { result: false }));
        if (dropped) {
          quota.release(id);
          gone(id);
        }
      }
      return alive(null, t);
    },
    update(id, t, fn) {
      // The last run of `fn` is the one stored (nexus-store.ts updateSession), so it decides.
      let changed = false;
      const result = store.updateSession(id, (s) => {
        const u = fn(alive(s, t));
        changed = Boolean(u.append?.length) || u.next === null || (u.next !== undefined && u.next.agents.length !== s?.agents.length);
        return u;
      });
      if (!isThenable(result)) {
        if (changed) wake(id);
        return result;
      }
      return result.then((r) => {
        if (changed) wake(id);
        return r;
      });
    },
    waiters,
    idempotent,
    gone,
  };
}
