/**
 * The service's own routes (nexus spec §2.3 `GET /`, `/health`, `/v1/stats`): the general skill
 * page, health with capabilities, and counters.
 */
import type { HttpRequest } from '../../http/types.ts';
import type { Route, ServerContext } from './context.ts';
import { json } from './json.ts';
import { negotiatePage } from './negotiate.ts';
import { MAX_WAIT_SECONDS } from './long-poll.ts';
import { skillPage } from './pages.ts';

export const VERSION = '0.1.0';

const uptime = (ctx: ServerContext) => Math.floor((ctx.now() - ctx.startedAt) / 1000);

function skill(ctx: ServerContext, req: HttpRequest) {
  const { config } = ctx;
  const vars = { baseUrl: ctx.baseUrl(req), ttlMinutes: Math.round(config.defaultTtl / 60), rateLimit: config.rateLimitMax };
  return skillPage(vars, negotiatePage(req.headers.accept, req.query.get('format')));
}

/** 503 while the store cannot write (a full disk, Redis away), so a load balancer can tell. */
function health(ctx: ServerContext) {
  const storage = ctx.store.health();
  return json(storage === 'ok' ? 200 : 503, {
    status: storage === 'ok' ? 'ok' : 'degraded',
    version: VERSION,
    uptime: uptime(ctx),
    storage,
    capabilities: {
      messageFormat: ['text', 'json'],
      pathStyles: ['singular', 'plural'],
      pairCodeTtl: ctx.config.pairTtl,
      // nexus spec §2.6: long-poll (`wait=`), the event stream, idempotent sends.
      push: { longPollMaxWait: MAX_WAIT_SECONDS, eventStream: true, idempotencyKey: true },
      // docs/spec/nexus-e2e.md §10: end-to-end sessions (`"e2e": true` at create), envelope e2e1.
      e2e: { version: 1, envelope: 'e2e1' },
    },
  });
}

async function stats(ctx: ServerContext) {
  // Counters kept by the store: sessions not yet swept (at most a minute past expiry) count.
  const c = await ctx.store.counts();
  return json(200, { activeSessions: c.sessions, totalAgents: c.agents, totalMessages: c.messages, uptime: uptime(ctx) });
}

export const serviceRoutes: Route[] = [
  ['GET', /^\/(?:SKILL\.md|skill\.md|llms\.txt)?$/, skill],
  ['GET', /^\/health$/, health],
  ['GET', /^\/v1\/stats$/, stats],
];
