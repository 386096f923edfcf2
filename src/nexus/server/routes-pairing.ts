/**
 * The pairing routes (nexus spec §2.3 pair/claim/status, §2.9 pairing pages): each parses its
 * request, applies the pairing rules (pairing.ts) and a session transition through the store,
 * and answers. Unknown codes are counted per client address and refused past a limit.
 */
import type { HttpRequest } from '../../http/types.ts';
import type { PairRecord } from '../../store/nexus-store.ts';
import { pairCreator } from './auth.ts';
import { requestAgent, type Route, type ServerContext } from './context.ts';
import { markE2e } from './e2e-rules.ts';
import { json, parseBody } from './json.ts';
import { negotiatePage } from './negotiate.ts';
import { pairingPage, unknownCodePage } from './pages.ts';
import { generatePairCode, normalizePairCode } from './pair-code.ts';
import { codeError, codesToEvict, codeState, issueCode, newCodeBody, newPair, releaseCode, reserveCode, sessionFull } from './pairing.ts';
import { apiError, invalidRequest, stringField } from './rules.ts';
import { claimSession } from './sessions.ts';
import { iso } from './views.ts';

async function createPair(ctx: ServerContext, req: HttpRequest) {
  const { config, store } = ctx;
  const sessionId = stringField(parseBody(req), 'sessionId', 200);
  if (!sessionId) throw invalidRequest('sessionId', 'sessionId is required');
  const session = await ctx.live(sessionId);
  // A code for a full session could never be claimed (nexus spec §2.3 claim: 409 session_full):
  // refuse it here rather than hand out a link that cannot work.
  if (session.agents.length >= session.maxAgents) throw sessionFull(session.maxAgents);
  const keyed = pairCreator(session, req.headers['x-agent-id'], req.headers['x-session-key']);
  const t = ctx.now();
  // A full class of pending codes gives up its oldest (auth.ts pairCreator): never a lock-out.
  for (const old of codesToEvict(await store.pairsOf(sessionId), keyed, t, config.maxCodesPerSession)) {
    await store.updatePair(old.code, () => ({ next: null, result: null }));
  }
  for (let i = 0; i < 10; i++) {
    const fresh = newPair(generatePairCode(ctx.ids.random), sessionId, t, config.pairTtl, keyed);
    if (await store.updatePair(fresh.code, (p) => issueCode(p, fresh))) return json(201, newCodeBody(fresh, `${ctx.baseUrl(req)}/p/${fresh.code}`, config.pairTtl));
  }
  throw new Error('could not allocate a unique pairing code');
}

/** A code lookup that counts misses per IP, and refuses once an IP has too many (brute force). */
async function lookupCode(ctx: ServerContext, req: HttpRequest, raw: string): Promise<{ code: string; pair: PairRecord | null }> {
  const misses = await ctx.pairMisses.peek(req.ip);
  if (!misses.ok) {
    throw apiError(429, 'rate_limit_exceeded', 'too many unknown pairing codes from this address; wait a minute', { retryAfter: misses.retryAfterSec });
  }
  const code = normalizePairCode(decodeURIComponent(raw)) ?? raw.toUpperCase();
  const pair = await ctx.store.getPair(code);
  if (!pair) await ctx.pairMisses.hit(req.ip);
  return { code, pair };
}

async function claim(ctx: ServerContext, req: HttpRequest, raw: string) {
  const agentId = requestAgent(req);
  const { code, pair } = await lookupCode(ctx, req, raw);
  if (!pair) throw codeError('unknown');
  const t = ctx.now();
  // Reserve the code first so two claimers cannot both join; undo if the join fails.
  const reserved = await ctx.store.updatePair(code, (p) => reserveCode(p, agentId, t));
  if (reserved !== 'ok') throw codeError(reserved);
  const fx = ctx.freshAgent();
  try {
    return json(200, await ctx.update(pair.sessionId, fx.now, (s) => claimSession(s, agentId, req.headers['x-session-key'], fx)));
  } catch (e) {
    await ctx.store.updatePair(code, releaseCode);
    throw e;
  }
}

/** A code's state as the session around it makes it: a pending code of a full session is `full`. */
async function stateWithSession(ctx: ServerContext, pair: PairRecord, t: number) {
  const s = await ctx.store.getSession(pair.sessionId);
  const state = s && s.expiresAt > t ? codeState(pair, t) : 'expired';
  return { s, state: state === 'pending' && s && s.agents.length >= s.maxAgents ? ('full' as const) : state };
}

async function pairStatus(ctx: ServerContext, req: HttpRequest, raw: string) {
  const { pair } = await lookupCode(ctx, req, raw);
  if (!pair) throw codeError('unknown');
  const t = ctx.now();
  const { s, state } = await stateWithSession(ctx, pair, t);
  // docs/spec/nexus-e2e.md §9: a claimer learns here, before claiming, that it needs the link's
  // key, and can check that key against the sealed greeting (ciphertext only: no key is here).
  const e2e = s?.e2e && state === 'pending' ? { e2e: true, greeting: s.greeting } : {};
  return markE2e(json(200, { state, expiresAt: iso(pair.expiresAt), ...e2e }), s, req);
}

async function pairSkill(ctx: ServerContext, req: HttpRequest, raw: string) {
  const { config } = ctx;
  const format = negotiatePage(req.headers.accept, req.query.get('format'));
  const { code, pair } = await lookupCode(ctx, req, raw);
  const baseUrl = ctx.baseUrl(req);
  if (!pair) return unknownCodePage(code, baseUrl, config.pairTtl, format);
  const t = ctx.now();
  const { s, state } = await stateWithSession(ctx, pair, t);
  return pairingPage(
    { code, state, expiresAt: pair.expiresAt, now: t, greeting: s?.e2e ? null : (s?.greeting ?? null), baseUrl, sessionTtl: s?.ttl ?? config.defaultTtl, pairTtl: config.pairTtl, e2e: s?.e2e === true },
    format,
  );
}

/**
 * nexus spec §2.9: the short link a human passes on is the pairing page itself: markdown for
 * agents and `curl` (which do not follow an empty redirect unless told to), the page for
 * browsers. Only a browser given a code in another spelling (lower case, spaces) is sent on to
 * the canonical address, so what its address bar shows and bookmarks is the code as issued.
 */
function shortLink(ctx: ServerContext, req: HttpRequest, raw: string) {
  const given = decodeURIComponent(raw);
  const canonical = normalizePairCode(given);
  if (canonical && canonical !== given && negotiatePage(req.headers.accept, req.query.get('format')) === 'html') {
    return { status: 301, headers: { location: `/v1/pair/${encodeURIComponent(canonical)}/skill` } };
  }
  return pairSkill(ctx, req, raw);
}

export const pairingRoutes: Route[] = [
  ['PUT', /^\/v1\/pair$/, createPair],
  ['POST', /^\/v1\/pair$/, createPair],
  ['POST', /^\/v1\/pair\/([^/]+)\/claim$/, claim],
  ['GET', /^\/v1\/pair\/([^/]+)\/status$/, pairStatus],
  ['GET', /^\/v1\/pair\/([^/]+)\/skill$/, pairSkill],
  ['GET', /^\/p\/([^/]+)$/, shortLink],
];
