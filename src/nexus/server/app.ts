/**
 * The NexusMessaging session server as a Handler (nexus spec §2): the dependencies wired once
 * (context.ts), one route table (routes-sessions.ts, routes-pairing.ts, routes-service.ts) and
 * the request wrapper: request ids, CORS, the per-address rate limit (nexus spec §2.8) and the
 * one error path (http/errors.ts respond). State lives in the NexusStore; the clock and
 * randomness are injected.
 */
import { HttpError, respond } from '../../http/errors.ts';
import { FixedWindows, type RateDecision } from '../../http/rate-limit.ts';
import type { Handler, HttpRequest, HttpResponse } from '../../http/types.ts';
import type { NexusConfig } from './config.ts';
import { createContext, type Route, type SessionServerDeps } from './context.ts';
import { unexpectedError } from './json.ts';
import { apiError } from './rules.ts';
import { closeRoutes } from './routes-close.ts';
import { pairingRoutes } from './routes-pairing.ts';
import { sessionRoutes } from './routes-sessions.ts';
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

export function createSessionServer(deps: SessionServerDeps): SessionServer {
  const ctx = createContext(deps);
  const { config, now } = ctx;
  const limiter = deps.requestLimiter ?? new FixedWindows({ max: config.rateLimitMax, windowMs: config.rateLimitWindowMs, now });

  async function route(req: HttpRequest): Promise<HttpResponse> {
    if (req.method === 'OPTIONS') return { status: 204 };
    if (req.path !== '/health') {
      const r = await limiter.hit(req.ip);
      if (!r.ok) throw rateLimited(r, config);
    }
    let pathMatched = false;
    for (const [method, re, fn] of ROUTES) {
      const m = re.exec(req.path);
      if (!m) continue;
      pathMatched = true;
      if (method === req.method || (req.method === 'HEAD' && method === 'GET')) return fn(ctx, req, ...m.slice(1).map((x) => (x.includes('%') ? decodeURIComponent(x) : x)));
    }
    if (pathMatched) throw apiError(405, 'method_not_allowed', `${req.method} is not allowed on ${req.path}`);
    throw apiError(404, 'not_found', `no route for ${req.method} ${req.path}`);
  }

  let requestSeq = 0;
  const handler: Handler = async (req) => {
    const incoming = req.headers['x-request-id'];
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : `req_${now().toString(36)}_${(requestSeq++).toString(36)}`;
    const res = await respond(route, req, (e) => unexpectedError(e, requestId));
    // nexus spec §2.1 CORS: browsers send Origin on every cross-origin request (and preflight);
    // other clients have no use for the four headers.
    const headers: Record<string, string> = req.headers.origin === undefined ? { ...res.headers } : { ...CORS, ...res.headers };
    headers['x-request-id'] = requestId;
    return { ...res, headers };
  };

  return { handler, sweep: sweeper(ctx.store, now, ctx.quota, ctx.gone), waiters: ctx.waiters };
}
