/**
 * The NexusMessaging session server as a Handler (nexus spec §2): the dependencies wired once
 * (context.ts), one route table (routes-sessions.ts, routes-pairing.ts, routes-service.ts) and
 * the request wrapper: request ids, CORS, the per-address rate limit (nexus spec §2.8) and the
 * one error path (http/errors.ts respond). State lives in the NexusStore; the clock and
 * randomness are injected.
 */
import { errorToResponse, HttpError } from '../../http/errors.ts';
import { FixedWindows, type RateDecision } from '../../http/rate-limit.ts';
import type { Handler, HttpRequest, HttpResponse } from '../../http/types.ts';
import type { NexusConfig } from './config.ts';
import { createContext, type Route, type SessionServerDeps } from './context.ts';
import { unexpectedError } from './json.ts';
import { apiError } from './rules.ts';
import { closeRoutes } from './routes-close.ts';
import { pairingRoutes } from './routes-pairing.ts';
import { messagesHandler, messagesPathId, sessionRoutes } from './routes-sessions.ts';
import { serviceRoutes } from './routes-service.ts';
import { sweeper } from './sweep.ts';
import type { Waiters } from './waiters.ts';

export type { SessionServerDeps } from './context.ts';

export interface SessionServer {
  handler: Handler;
  /** Drops expired sessions and old pairing-code tombstones (run periodically by server.ts). */
  sweep: () => Promise<void>;
  /** Parked polls and open event streams (operators and tests: none is left behind). */
  waiters: Waiters;
}

/** Session routes first: nearly every request is a send or a poll. */
const ROUTES: readonly Route[] = [...sessionRoutes, ...closeRoutes, ...pairingRoutes, ...serviceRoutes];

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'Content-Type, X-Agent-Id, X-Session-Key, X-Request-Id, Idempotency-Key, Last-Event-ID',
  'access-control-expose-headers': 'X-Request-Id, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset',
};

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

function copyInto(to: Record<string, string>, from: Record<string, string>): void {
  for (const k in from) to[k] = from[k]!;
}

function rateLimited(r: RateDecision, config: NexusConfig): HttpError {
  const headers = {
    'x-ratelimit-limit': String(config.rateLimitMax),
    'x-ratelimit-remaining': String(r.remaining),
    'x-ratelimit-reset': String(Math.ceil(r.resetAt / 1000)),
    'retry-after': String(r.retryAfterSec),
  };
  const message = `more than ${config.rateLimitMax} requests in ${config.rateLimitWindowMs / 1000} s; back off and retry`;
  return new HttpError(429, { error: 'rate_limit_exceeded', message, retryAfter: r.retryAfterSec }, headers);
}

/** A value or a promise of one (a shared limiter or store answers later; the embedded ones at once). */
const isThenable = <T>(v: T | Promise<T>): v is Promise<T> => typeof (v as { then?: unknown } | null)?.then === 'function';

export function createSessionServer(deps: SessionServerDeps): SessionServer {
  const ctx = createContext(deps);
  const { config, now } = ctx;
  const limiter = deps.requestLimiter ?? new FixedWindows({ max: config.rateLimitMax, windowMs: config.rateLimitWindowMs, now });

  /** The first route whose path and method match (HEAD runs GET's), else 405 or 404. */
  function dispatch(req: HttpRequest): Promise<HttpResponse> | HttpResponse {
    // Send and poll (the first routes of the table) without the walk; anything else walks it.
    const hot = messagesHandler(req.method);
    if (hot !== undefined) {
      const id = messagesPathId(req.path);
      if (id !== null) return hot(ctx, req, id.includes('%') ? decodeURIComponent(id) : id);
    }
    let pathMatched = false;
    let lastRe: RegExp | null = null;
    let m: RegExpExecArray | null = null;
    for (let i = 0; i < ROUTES.length; i++) {
      const [method, re, fn] = ROUTES[i]!;
      // Neighbours with the same pattern (send and poll) share one match.
      if (lastRe === null || re.source !== lastRe.source) m = re.exec(req.path);
      lastRe = re;
      if (!m) continue;
      pathMatched = true;
      if (method === req.method || (req.method === 'HEAD' && method === 'GET')) {
        const params: string[] = [];
        for (let k = 1; k < m.length; k++) params.push(m[k]!.includes('%') ? decodeURIComponent(m[k]!) : m[k]!);
        return fn(ctx, req, ...params);
      }
    }
    if (pathMatched) throw apiError(405, 'method_not_allowed', `${req.method} is not allowed on ${req.path}`);
    throw apiError(404, 'not_found', `no route for ${req.method} ${req.path}`);
  }

  /** Rate limit, then the route; no await when the limiter answers at once (the embedded one). */
  function route(req: HttpRequest): Promise<HttpResponse> | HttpResponse {
    if (req.method === 'OPTIONS') return { status: 204 };
    if (req.path === '/health') return dispatch(req);
    const r = limiter.hit(req.ip);
    if (isThenable(r)) {
      return r.then((d) => {
        if (!d.ok) throw rateLimited(d, config);
        return dispatch(req);
      });
    }
    if (!r.ok) throw rateLimited(r, config);
    return dispatch(req);
  }

  // Request ids: `req_<ms in base 36>_<sequence>`, the prefix made once per millisecond.
  let requestSeq = 0;
  let idAt = NaN;
  let idPrefix = '';
  const newRequestId = () => {
    const t = now();
    if (t !== idAt) {
      idAt = t;
      idPrefix = `req_${t.toString(36)}_`;
    }
    return idPrefix + (requestSeq++).toString(36);
  };

  /** The answer with the request id, and CORS headers for a browser (nexus spec §2.1 CORS). */
  const finish = (req: HttpRequest, res: HttpResponse, requestId: string): HttpResponse => {
    // Browsers send Origin on every cross-origin request (and preflight); other clients have
    // no use for the four headers.
    // Copied key by key: an object spread of these (dashed) names costs ~10x as much.
    const headers: Record<string, string> = {};
    if (req.headers.origin !== undefined) copyInto(headers, CORS);
    if (res.headers) copyInto(headers, res.headers);
    headers['x-request-id'] = requestId;
    const out: HttpResponse = { status: res.status, headers };
    if (res.body !== undefined) out.body = res.body;
    if (res.stream !== undefined) out.stream = res.stream;
    return out;
  };

  // The one error path (http/errors.ts), without a promise in between when the route answers at once.
  const handler: Handler = (req) => {
    const incoming = req.headers['x-request-id'];
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : newRequestId();
    const failed = (e: unknown) => finish(req, errorToResponse(e, (x) => unexpectedError(x, requestId)), requestId);
    let res: Promise<HttpResponse> | HttpResponse;
    try {
      res = route(req);
    } catch (e) {
      return failed(e);
    }
    if (isThenable(res)) return res.then((r) => finish(req, r, requestId), failed);
    return finish(req, res, requestId);
  };

  return { handler, sweep: sweeper(ctx.store, now, ctx.quota, ctx.gone), waiters: ctx.waiters };
}
