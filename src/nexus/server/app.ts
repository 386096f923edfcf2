/**
 * The NexusMessaging session server as a Handler (nexus spec §2): routes under both `/v1/session`
 * and `/v1/sessions`, pairing codes and pages, rate limits, CORS and request ids. State lives
 * in the NexusStore; the clock and randomness are injected.
 */
import { errorToResponse } from '../../http/node-adapter.ts';
import { FixedWindows } from '../../http/rate-limit.ts';
import { HttpError, type Handler, type HttpRequest, type HttpResponse } from '../../http/types.ts';
import { StorageUnavailable, type NexusStore, type PairRecord, type SessionRecord, type StoredMessage } from '../../store/nexus-store.ts';
import { checkMemberKey, checkRenewTtl, pairCreator } from './auth.ts';
import { checkJsonPayload, sessionCost, StorageQuota } from './budgets.ts';
import { keyMatches, serverEffects } from './effects.ts';
import type { NexusConfig } from './config.ts';
import { negotiatePage } from './negotiate.ts';
import { pairingPage, skillPage, unknownCodePage } from './pages.ts';
import { generatePairCode, normalizePairCode } from './pair-code.ts';
import { apiError, checkAgentId, intField, invalidRequest, parseAfter, stringField } from './rules.ts';
import { sanitizeJson, sanitizeText } from './sanitizer.ts';
import {
  iso,
  joinSession,
  nextCursor,
  slide,
  statusView,
  stored,
  systemMessage,
  touch,
  type Message,
} from './sessions.ts';
import { sweepExpired } from './sweep.ts';

export const VERSION = '0.1.0';
const POLL_LIMIT_DEFAULT = 100;
const POLL_LIMIT_MAX = 500;

export interface NexusDeps {
  config: NexusConfig;
  store: NexusStore;
  now?: () => number;
  random?: (bytes: number) => Uint8Array;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'Content-Type, X-Agent-Id, X-Session-Key, X-Request-Id',
  'access-control-expose-headers': 'X-Request-Id, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset',
};

function jsonText(status: number, text: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: text };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return jsonText(status, JSON.stringify(body), headers);
}

const utf8 = new TextDecoder();

/** An empty body is `{}` (old CLIs renew with no body); anything else must be a JSON object. */
function parseBody(req: HttpRequest): Record<string, unknown> {
  if (req.body === null) throw apiError(413, 'payload_too_large', 'request body is larger than 256 KiB');
  const text = utf8.decode(req.body).trim();
  if (!text) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw apiError(400, 'invalid_body', 'request body is not valid JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw invalidRequest('', 'request body must be a JSON object');
  return v as Record<string, unknown>;
}

/** The store could not write (full disk, read-only DATA_DIR): nothing changed; reads still work. */
function storageUnavailable(e: StorageUnavailable): HttpResponse {
  const message = `the server cannot store this change right now (${e.code}); nothing was changed. Reading still works; retry later.`;
  return json(503, { error: 'storage_unavailable', message, retryAfter: 5 }, { 'retry-after': '5' });
}

export function createNexusServer(deps: NexusDeps): { handler: Handler; sweep: () => Promise<void> } {
  const { config, store } = deps;
  const now = deps.now ?? Date.now;
  const { effects, random, randomHex } = serverEffects(now, deps.random);
  const startedAt = now();
  const limiter = new FixedWindows({ max: config.rateLimitMax, windowMs: config.rateLimitWindowMs, now });
  const pairMisses = new FixedWindows({ max: config.pairFailLimit, windowMs: config.rateLimitWindowMs, now });
  const quota = new StorageQuota(config.storagePerIp, config.storageTotal, store.listSessions());
  const release = (id: string) => quota.release(id);
  const keyOpts = {
    forbidden: { matches: keyMatches, strict: config.strictSessionKey, notMember: 'forbidden' as const },
    agent_not_in_session: { matches: keyMatches, strict: config.strictSessionKey, notMember: 'agent_not_in_session' as const },
  };

  function baseUrl(req: HttpRequest): string {
    if (config.publicBaseUrl) return config.publicBaseUrl;
    const host = req.headers.host && /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(req.headers.host) ? req.headers.host : `localhost:${config.port}`;
    const proto = config.trustProxy && req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
    return `${proto}://${host}`;
  }

  const agentHeader = (req: HttpRequest) => checkAgentId(req.headers['x-agent-id']);

  /** The live session, or 404 (an expired one is dropped on the way, nexus spec §2.6). */
  async function live(id: string): Promise<SessionRecord> {
    const s = await store.getSession(id);
    if (s && s.expiresAt > now()) return s;
    if (s) {
      const gone = await store.updateSession(id, (cur) => (cur && cur.expiresAt <= now() ? { next: null, result: true } : { result: false }));
      if (gone) release(id);
    }
    throw apiError(404, 'session_not_found', 'no such session, or it has expired');
  }

  /** Runs a transition on a live session atomically. */
  function transition<T>(id: string, fn: (s: SessionRecord) => { next?: SessionRecord; append?: StoredMessage[]; result: T }): Promise<T> {
    return store.updateSession(id, (s) => {
      if (!s || s.expiresAt <= now()) throw apiError(404, 'session_not_found', 'no such session, or it has expired');
      return fn(s);
    });
  }

  async function create(req: HttpRequest): Promise<HttpResponse> {
    const body = parseBody(req);
    const ttl = intField(body, 'ttl', 60, config.maxTtl) ?? config.defaultTtl;
    const maxAgents = intField(body, 'maxAgents', 2, config.maxAgents) ?? config.defaultMaxAgents;
    const greetingRaw = stringField(body, 'greeting', Math.min(config.maxGreetingChars, config.maxMessageChars));
    const bodyCreator = stringField(body, 'creatorAgentId', 128);
    const headerCreator = req.headers['x-agent-id'] || undefined;
    if (bodyCreator && headerCreator && bodyCreator !== headerCreator) {
      throw apiError(400, 'creator_identity_conflict', 'creatorAgentId and X-Agent-Id name different agents');
    }
    const creator = bodyCreator ?? headerCreator;
    if (creator !== undefined) checkAgentId(creator, bodyCreator ? 'creatorAgentId' : 'X-Agent-Id');
    const fx = effects();
    const greeting = greetingRaw ? sanitizeText(greetingRaw).text : null;
    const sessionId = randomHex(24);
    let s: SessionRecord = {
      sessionId,
      ttl,
      maxAgents,
      createdAt: fx.now,
      expiresAt: fx.now + ttl * 1000,
      creatorAgentId: creator ?? null,
      greeting,
      agents: [],
      headCursor: 0,
      cronReminderSent: false,
    };
    const append: StoredMessage[] = greeting ? [systemMessage(s, 0, greeting, 'greeting', fx)] : [];
    let sessionKey: string | undefined;
    if (creator) {
      const j = joinSession(s, creator, undefined, fx);
      s = j.next;
      sessionKey = j.sessionKey;
      append.push(...j.append);
    }
    await quota.ready;
    quota.charge(req.ip, sessionId, sessionCost(greeting, maxAgents));
    try {
      await store.updateSession(sessionId, () => ({ next: s, append, result: null }));
    } catch (e) {
      quota.release(sessionId);
      throw e;
    }
    return json(201, {
      sessionId,
      ttl,
      maxAgents,
      state: 'active',
      createdAt: iso(s.createdAt),
      expiresAt: iso(s.expiresAt),
      greeting,
      agentsOnline: s.agents.length,
      ...(creator ? { creatorAgentId: creator, agentId: creator, sessionKey } : {}),
    });
  }

  async function join(req: HttpRequest, id: string): Promise<HttpResponse> {
    const agentId = agentHeader(req);
    const fx = effects();
    const r = await transition(id, (s) => {
      const j = joinSession(s, agentId, req.headers['x-session-key'], fx);
      return { next: j.next, append: j.append, result: { ...j, s: j.next } };
    });
    return json(200, {
      status: 'joined',
      sessionId: id,
      agentId,
      agentsOnline: r.s.agents.length,
      sessionKey: r.sessionKey,
      ttl: r.s.ttl,
      expiresAt: iso(r.s.expiresAt),
      ...(r.rejoined ? { rejoined: true } : {}),
    });
  }

  async function send(req: HttpRequest, id: string): Promise<HttpResponse> {
    const agentId = agentHeader(req);
    const body = parseBody(req);
    const text = stringField(body, 'text', config.maxMessageChars);
    const rawJson = body.json;
    if (rawJson !== undefined) checkJsonPayload(rawJson, config.maxJsonNodes);
    if (text === undefined && rawJson === undefined) throw invalidRequest('text', 'text (or json) is required');
    if (text !== undefined && text.length === 0 && rawJson === undefined) throw invalidRequest('text', 'text must not be empty');
    const counts: Record<string, number> = {};
    const clean = sanitizeText(text ?? '', counts).text;
    const cleanJson = rawJson === undefined ? undefined : sanitizeJson(rawJson, counts);
    const redactions = Object.entries(counts).map(([type, count]) => ({ type, count }));
    const key = req.headers['x-session-key'];
    const fx = effects();
    const m = await transition(id, (s) => {
      const { verified, s: checked } = checkMemberKey(s, agentId, key, 'send', keyOpts.forbidden);
      const next = touch(checked, agentId, fx.now, true, s.headCursor + 1);
      const msg: Message = {
        id: fx.newMessageId(),
        cursor: next.headCursor,
        agentId,
        text: clean,
        ...(cleanJson !== undefined ? { json: cleanJson } : {}),
        verified,
        createdAt: fx.now,
        expiresAt: next.expiresAt,
        type: 'message',
        ...(redactions.length ? { sanitized: true } : {}),
      };
      return { next, append: [stored(msg)], result: msg };
    });
    return json(201, {
      ok: true,
      id: m.id,
      messageId: m.id,
      cursor: String(m.cursor),
      expiresAt: iso(m.expiresAt),
      verified: m.verified,
      ...(redactions.length
        ? { redacted: true, redactions, warning: 'Message contained secrets; they were replaced with [REDACTED:type]. Never send secrets over NexusMessaging.' }
        : {}),
    });
  }

  async function poll(req: HttpRequest, id: string): Promise<HttpResponse> {
    const agentId = agentHeader(req);
    const after = parseAfter(req.query.get('after'));
    const limitRaw = req.query.get('limit');
    let limit = POLL_LIMIT_DEFAULT;
    if (limitRaw !== null) {
      if (!/^\d{1,4}$/.test(limitRaw) || Number(limitRaw) < 1) throw invalidRequest('limit', `limit must be a whole number from 1 to ${POLL_LIMIT_MAX}`);
      limit = Math.min(Number(limitRaw), POLL_LIMIT_MAX);
    }
    const t = now();
    const key = req.headers['x-session-key'];
    const s = await transition(id, (s) => {
      const next = touch(checkMemberKey(s, agentId, key, 'poll', keyOpts.agent_not_in_session).s, agentId, t, config.slideOnPoll);
      return { next, result: next };
    });
    // Bounded by count and by bytes; nextCursor is the last message included (nexus spec §2.6).
    const { messages: page, more } = await store.messagesAfter(id, after, limit, config.maxPollBytes);
    const members = req.query.get('members') === 'true' ? `,"members":${JSON.stringify(s.agents.map((a) => ({ agentId: a.agentId, joinedAt: iso(a.joinedAt), lastSeenAt: iso(a.lastSeenAt) })))}` : '';
    // Messages are stored serialised (store/message-log.ts): the answer only joins them.
    return jsonText(200, `{"messages":[${page.map((m) => m.wire).join(',')}],"nextCursor":${JSON.stringify(nextCursor(page, after, s.headCursor))},"hasMore":${more}${members}}`);
  }

  async function renew(req: HttpRequest, id: string): Promise<HttpResponse> {
    const agentId = agentHeader(req);
    const body = parseBody(req);
    const ttl = intField(body, 'ttl', 60, config.maxTtl);
    const t = now();
    const key = req.headers['x-session-key'];
    const s = await transition(id, (s) => {
      const k = checkMemberKey(s, agentId, key, 'renew', keyOpts.forbidden);
      checkRenewTtl(s, agentId, k.verified, ttl);
      const next = slide(touch({ ...k.s, ttl: ttl ?? s.ttl }, agentId, t, false), t);
      return { next, result: next };
    });
    const v = statusView(s);
    return json(200, { sessionId: id, state: 'active', ttl: s.ttl, expiresAt: v.expiresAt, agents: v.agents });
  }

  async function leave(req: HttpRequest, id: string, pathAgent: string): Promise<HttpResponse> {
    const agentId = agentHeader(req);
    if (agentId !== pathAgent) throw apiError(403, 'forbidden', 'X-Agent-Id must match the agent in the path');
    const key = req.headers['x-session-key'];
    if (!key) throw apiError(401, 'missing_session_key', 'X-Session-Key header is required to leave');
    const fx = effects();
    await transition(id, (s) => {
      const a = s.agents.find((x) => x.agentId === agentId);
      if (!a) throw apiError(404, 'agent_not_found', `agent "${agentId}" is not in this session`);
      if (!fx.keyMatches(key, a.keyHash)) throw apiError(401, 'invalid_session_key', 'X-Session-Key does not match this agent');
      if (s.creatorAgentId === agentId) throw apiError(403, 'forbidden', 'the creator cannot leave the session');
      return { next: { ...s, agents: s.agents.filter((x) => x.agentId !== agentId) }, result: null };
    });
    return json(200, { ok: true, status: 'removed', sessionId: id, agentId, message: `${agentId} left the session` });
  }

  async function createPair(req: HttpRequest): Promise<HttpResponse> {
    const body = parseBody(req);
    const sessionId = stringField(body, 'sessionId', 200);
    if (!sessionId) throw invalidRequest('sessionId', 'sessionId is required');
    const keyed = pairCreator(await live(sessionId), req.headers['x-agent-id'], req.headers['x-session-key'], keyMatches);
    const t = now();
    // A full class of pending codes gives up its oldest (auth.ts pairCreator): never a lock-out.
    const pending = (await store.pairsOf(sessionId)).filter((p) => !p.claimedBy && p.expiresAt > t && !!p.keyed === keyed).sort((a, b) => a.createdAt - b.createdAt);
    for (const old of pending.slice(0, Math.max(0, pending.length - config.maxCodesPerSession + 1))) {
      await store.updatePair(old.code, () => ({ next: null, result: null }));
    }
    let code = '';
    for (let i = 0; i < 10 && !code; i++) {
      const c = generatePairCode(random);
      const created = await store.updatePair(c, (p) => (p ? { result: false } : { next: { code: c, sessionId, createdAt: t, expiresAt: t + config.pairTtl * 1000, ...(keyed ? { keyed } : {}) }, result: true }));
      if (created) code = c;
    }
    if (!code) throw new Error('could not allocate a unique pairing code');
    return json(201, {
      code,
      url: `${baseUrl(req)}/p/${code}`,
      expiresAt: iso(t + config.pairTtl * 1000),
      ttl: config.pairTtl,
      expiresIn: config.pairTtl,
    });
  }

  type CodeState = 'pending' | 'claimed' | 'expired';
  const codeState = (p: PairRecord, t: number): CodeState => (p.claimedBy ? 'claimed' : p.expiresAt <= t ? 'expired' : 'pending');

  /** A code lookup that counts misses per IP, and refuses once an IP has too many (brute force). */
  async function lookupCode(req: HttpRequest, raw: string): Promise<{ code: string; pair: PairRecord | null }> {
    const misses = pairMisses.peek(req.ip);
    if (!misses.ok) {
      throw apiError(429, 'rate_limit_exceeded', 'too many unknown pairing codes from this address; wait a minute', { retryAfter: misses.retryAfterSec });
    }
    const code = normalizePairCode(decodeURIComponent(raw)) ?? raw.toUpperCase();
    const pair = await store.getPair(code);
    if (!pair) pairMisses.hit(req.ip);
    return { code, pair };
  }

  function codeError(state: CodeState | 'unknown'): HttpError {
    if (state === 'unknown') return apiError(404, 'code_not_found', 'no such pairing code');
    if (state === 'expired') return apiError(410, 'code_expired', 'this pairing code has expired', { legacyError: 'code_expired_or_used' });
    return apiError(409, 'code_already_claimed', 'this pairing code has already been used', { legacyError: 'code_expired_or_used' });
  }

  async function claim(req: HttpRequest, raw: string): Promise<HttpResponse> {
    const agentId = agentHeader(req);
    const { code, pair } = await lookupCode(req, raw);
    if (!pair) throw codeError('unknown');
    const t = now();
    // Reserve the code first so two claimers cannot both join; undo if the join fails.
    const reserved = await store.updatePair(code, (p) => {
      if (!p) return { result: 'unknown' as const };
      const st = codeState(p, t);
      if (st !== 'pending') return { result: st };
      return { next: { ...p, claimedBy: agentId, claimedAt: t }, result: 'ok' as const };
    });
    if (reserved !== 'ok') throw codeError(reserved);
    const fx = effects();
    try {
      const r = await transition(pair.sessionId, (s) => {
        const j = joinSession(s, agentId, req.headers['x-session-key'], fx);
        return { next: j.next, append: j.append, result: { ...j, s: j.next } };
      });
      return json(200, {
        sessionId: pair.sessionId,
        status: 'claimed',
        agentId,
        sessionKey: r.sessionKey,
        agentsOnline: r.s.agents.length,
        ttl: r.s.ttl,
        expiresAt: iso(r.s.expiresAt),
      });
    } catch (e) {
      // A failed join does not consume the code (nexus spec §2.3).
      await store.updatePair(code, (p) => (p ? { next: { code: p.code, sessionId: p.sessionId, createdAt: p.createdAt, expiresAt: p.expiresAt, ...(p.keyed ? { keyed: true } : {}) }, result: null } : { result: null }));
      throw e;
    }
  }

  async function pairStatus(req: HttpRequest, raw: string): Promise<HttpResponse> {
    const { pair } = await lookupCode(req, raw);
    if (!pair) throw codeError('unknown');
    return json(200, { state: codeState(pair, now()), expiresAt: iso(pair.expiresAt) });
  }

  async function pairSkill(req: HttpRequest, raw: string): Promise<HttpResponse> {
    const format = negotiatePage(req.headers.accept, req.query.get('format'));
    const { code, pair } = await lookupCode(req, raw);
    if (!pair) return unknownCodePage(code, baseUrl(req), config.pairTtl, format);
    const t = now();
    const s = await store.getSession(pair.sessionId);
    const state = s && s.expiresAt > t ? codeState(pair, t) : 'expired';
    return pairingPage(
      { code, state, expiresAt: pair.expiresAt, now: t, greeting: s?.greeting ?? null, baseUrl: baseUrl(req), sessionTtl: s?.ttl ?? config.defaultTtl, pairTtl: config.pairTtl },
      format,
    );
  }

  async function stats(): Promise<HttpResponse> {
    // Counters kept by the store: sessions not yet swept (at most a minute past expiry) count.
    const c = await store.counts();
    return json(200, { activeSessions: c.sessions, totalAgents: c.agents, totalMessages: c.messages, uptime: Math.floor((now() - startedAt) / 1000) });
  }

  function health(): HttpResponse {
    return json(200, {
      status: 'ok',
      version: VERSION,
      uptime: Math.floor((now() - startedAt) / 1000),
      storage: store.health(),
      capabilities: { messageFormat: ['text', 'json'], pathStyles: ['singular', 'plural'], pairCodeTtl: config.pairTtl },
    });
  }

  type Route = [string, RegExp, (req: HttpRequest, ...params: string[]) => Promise<HttpResponse> | HttpResponse];
  const S = '/v1/sessions?';
  const routes: Route[] = [
    // send and poll first: nearly every request is one of them.
    ['POST', new RegExp(`^${S}/([^/]+)/messages$`), send],
    ['GET', new RegExp(`^${S}/([^/]+)/messages$`), poll],
    ['PUT', new RegExp(`^${S}$`), create],
    ['POST', new RegExp(`^${S}$`), create],
    ['GET', new RegExp(`^${S}/([^/]+)$`), async (_r, id) => json(200, statusView(await live(id!)))],
    ['POST', new RegExp(`^${S}/([^/]+)/join$`), join],
    ['POST', new RegExp(`^${S}/([^/]+)/renew$`), renew],
    ['DELETE', new RegExp(`^${S}/([^/]+)/agents/([^/]+)$`), leave],
    ['PUT', /^\/v1\/pair$/, createPair],
    ['POST', /^\/v1\/pair$/, createPair],
    ['POST', /^\/v1\/pair\/([^/]+)\/claim$/, claim],
    ['GET', /^\/v1\/pair\/([^/]+)\/status$/, pairStatus],
    ['GET', /^\/v1\/pair\/([^/]+)\/skill$/, pairSkill],
    ['GET', /^\/p\/([^/]+)$/, (_r, raw) => ({ status: 301, headers: { location: `/v1/pair/${encodeURIComponent(normalizePairCode(decodeURIComponent(raw!)) ?? raw!)}/skill` } })],
    ['GET', /^\/(?:SKILL\.md|skill\.md|llms\.txt)?$/, (req) => skillPage({ baseUrl: baseUrl(req), ttlMinutes: Math.round(config.defaultTtl / 60), rateLimit: config.rateLimitMax }, negotiatePage(req.headers.accept, req.query.get('format')))],
    ['GET', /^\/health$/, health],
    ['GET', /^\/v1\/stats$/, stats],
  ];

  async function route(req: HttpRequest): Promise<HttpResponse> {
    if (req.method === 'OPTIONS') return { status: 204 };
    if (req.path !== '/health') {
      const r = limiter.hit(req.ip);
      if (!r.ok) {
        const headers = { 'x-ratelimit-limit': String(config.rateLimitMax), 'x-ratelimit-remaining': String(r.remaining), 'x-ratelimit-reset': String(Math.ceil(r.resetAt / 1000)) };
        throw new HttpError(429, { error: 'rate_limit_exceeded', message: `more than ${config.rateLimitMax} requests in ${config.rateLimitWindowMs / 1000} s; back off and retry`, retryAfter: r.retryAfterSec }, { ...headers, 'retry-after': String(r.retryAfterSec) });
      }
    }
    let pathMatched = false;
    for (const [method, re, fn] of routes) {
      const m = re.exec(req.path);
      if (!m) continue;
      pathMatched = true;
      if (method === req.method || (req.method === 'HEAD' && method === 'GET')) return fn(req, ...m.slice(1).map((x) => (x.includes('%') ? decodeURIComponent(x) : x)));
    }
    if (pathMatched) throw apiError(405, 'method_not_allowed', `${req.method} is not allowed on ${req.path}`);
    throw apiError(404, 'not_found', `no route for ${req.method} ${req.path}`);
  }

  let requestSeq = 0;
  const handler: Handler = async (req) => {
    const incoming = req.headers['x-request-id'];
    const requestId = incoming && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : `req_${now().toString(36)}_${(requestSeq++).toString(36)}`;
    let res: HttpResponse;
    try {
      res = await route(req);
    } catch (e) {
      res = e instanceof StorageUnavailable ? storageUnavailable(e) : errorToResponse(e, () => json(500, { error: 'internal_error', message: `internal error; quote request id ${requestId}` }));
    }
    // nexus spec §2.1 CORS: browsers send Origin on every cross-origin request (and preflight);
    // other clients have no use for the four headers.
    const headers: Record<string, string> = req.headers.origin === undefined ? { ...res.headers } : { ...CORS, ...res.headers };
    headers['x-request-id'] = requestId;
    return { ...res, headers };
  };

  /** Drops expired sessions and old pairing-code tombstones (run periodically by the shell). */
  let sweeping: Promise<void> | null = null;
  function sweep(): Promise<void> {
    sweeping ??= quota.ready.then(() => sweepExpired(store, now(), release)).finally(() => (sweeping = null));
    return sweeping;
  }

  return { handler, sweep };
}
