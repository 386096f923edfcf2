/**
 * The session routes (nexus spec §2.3), under both `/v1/session` and `/v1/sessions`: each
 * parses its request, runs a transition (sessions.ts) through the store, and answers.
 */
import type { HttpRequest, HttpResponse } from '../../http/types.ts';
import { isThenable, type MaybePromise } from '../../maybe-promise.ts';
import type { SessionRecord, StoredMessage } from '../../store/nexus-store.ts';
import { sha256Text } from '../../opennexus/core/crypto.ts';
import { checkMemberKey } from './auth.ts';
import { checkJsonPayload, sessionCost } from './budgets.ts';
import { requestAgent, type Route, type RouteHandler, type ServerContext } from './context.ts';
import { eventStream } from './event-stream.ts';
import { idempotencyKey } from './idempotency.ts';
import { json, jsonText, parseBody } from './json.ts';
import { parkPoll, parseWait, tooManyWaiters } from './long-poll.ts';
import { apiError, checkAgentId, intField, invalidRequest, parseAfter, stringField } from './rules.ts';
import { e2eField, e2eRequired, isEnvelope, markE2e, textOrEnvelope } from './e2e-rules.ts';
import { sanitizeJson, sanitizeText } from './sanitizer.ts';
import { createSession, joinSession, leaveSession, pollSession, postMessage, renewSession, type PostInput } from './sessions.ts';
import { pollBody, sendBody, statusView, type SendResult } from './views.ts';

const POLL_LIMIT_DEFAULT = 100;
const POLL_LIMIT_MAX = 500;

async function create(ctx: ServerContext, req: HttpRequest) {
  const { config } = ctx;
  const body = parseBody(req);
  const ttl = intField(body, 'ttl', 60, config.maxTtl) ?? config.defaultTtl;
  const maxAgents = intField(body, 'maxAgents', 2, config.maxAgents) ?? config.defaultMaxAgents;
  const e2e = e2eField(body);
  const greetingRaw = textOrEnvelope(body, 'greeting', Math.min(config.maxGreetingChars, config.maxMessageChars));
  const bodyCreator = stringField(body, 'creatorAgentId', 128);
  const headerCreator = req.headers['x-agent-id'] || undefined;
  if (bodyCreator && headerCreator && bodyCreator !== headerCreator) {
    throw apiError(400, 'creator_identity_conflict', 'creatorAgentId and X-Agent-Id name different agents');
  }
  const creator = bodyCreator ?? headerCreator;
  if (creator !== undefined) checkAgentId(creator, bodyCreator ? 'creatorAgentId' : 'X-Agent-Id');
  // docs/spec/nexus-e2e.md §10: an E2E session's greeting is an envelope, kept as sent; a plain one's is never taken as sealed.
  if (e2e && greetingRaw && !isEnvelope(greetingRaw)) throw e2eRequired('the greeting');
  if (!e2e && greetingRaw && greetingRaw.length > Math.min(config.maxGreetingChars, config.maxMessageChars)) stringField(body, 'greeting', Math.min(config.maxGreetingChars, config.maxMessageChars));
  const greeting = greetingRaw ? (e2e ? greetingRaw : sanitizeText(greetingRaw).text) : null;
  const u = createSession({ ttl, maxAgents, greeting, creator, e2e }, { ...ctx.freshAgent(), sessionId: ctx.ids.sessionId() });
  const id = u.next.sessionId;
  await ctx.quota.ready;
  await ctx.quota.charge(req.ip, id, sessionCost(greeting, maxAgents));
  try {
    await ctx.store.updateSession(id, () => u);
  } catch (e) {
    ctx.quota.release(id);
    throw e;
  }
  return json(201, u.result);
}

async function join(ctx: ServerContext, req: HttpRequest, id: string) {
  const agentId = requestAgent(req);
  const fx = ctx.freshAgent();
  return json(200, await ctx.update(id, fx.now, (s) => joinSession(s, agentId, req.headers['x-session-key'], fx)));
}

/** What was redacted, by type (an ordinary message: nothing). */
function redactionList(counts: Record<string, number>): { type: string; count: number }[] {
  const out: { type: string; count: number }[] = [];
  for (const type in counts) out.push({ type, count: counts[type]! });
  return out;
}

const sent = (r: SendResult) => jsonText(201, sendBody(r));

/** No await between the request and its answer when the store answers at once (in memory). */
function send(ctx: ServerContext, req: HttpRequest, id: string): MaybePromise<HttpResponse> {
  const { config } = ctx;
  const agentId = requestAgent(req);
  const body = parseBody(req);
  const text = textOrEnvelope(body, 'text', config.maxMessageChars);
  const rawJson = body.json;
  if (rawJson !== undefined) checkJsonPayload(rawJson, config.maxJsonNodes);
  if (text === undefined && rawJson === undefined) throw invalidRequest('text', 'text (or json) is required');
  if (text !== undefined && text.length === 0 && rawJson === undefined) throw invalidRequest('text', 'text must not be empty');
  // Sanitised before the transition: it may run more than once, this should not (nexus spec §2.7).
  const counts: Record<string, number> = {};
  const clean = sanitizeText(text ?? '', counts).text;
  const cleanJson = rawJson === undefined ? undefined : sanitizeJson(rawJson, counts);
  // An envelope is passed on as sent: only an E2E session takes it so (e2e spec §10); a plain
  // session gets the sanitised text, and an envelope longer than a plain text is refused there.
  const sealed = isEnvelope(text) ? text : undefined;
  const input: PostInput = { agentId, key: req.headers['x-session-key'], text: clean, json: cleanJson, redactions: redactionList(counts), strict: config.strictSessionKey };
  if (sealed !== undefined) {
    input.sealed = sealed;
    if (sealed.length > config.maxMessageChars) input.tooLong = config.maxMessageChars;
  }
  const post = (): MaybePromise<HttpResponse> => {
    const fx = ctx.fresh();
    const r = ctx.update(id, fx.now, (s) => postMessage(s, input, fx));
    return isThenable(r) ? r.then(sent) : sent(r);
  };
  const idem = idempotencyKey(req.headers['idempotency-key']);
  if (idem === undefined) return post();
  return (async () => {
    // A repeat speaks for the same member as the first: its key is checked as a send's would be.
    checkMemberKey(await ctx.live(id), agentId, input.key, 'send', { strict: config.strictSessionKey, notMember: 'forbidden' });
    // What the message is, as sent (a retry sends the same): a repeat with other content is refused.
    const message = sha256Text(JSON.stringify([text ?? null, rawJson ?? null]));
    return ctx.idempotent.run(id, agentId, idem, message, async () => post());
  })();
}

function poll(ctx: ServerContext, req: HttpRequest, id: string): MaybePromise<HttpResponse> {
  const agentId = requestAgent(req);
  const after = parseAfter(req.query.get('after'));
  const limitRaw = req.query.get('limit');
  let limit = POLL_LIMIT_DEFAULT;
  if (limitRaw !== null) {
    if (!/^\d{1,4}$/.test(limitRaw) || Number(limitRaw) < 1) throw invalidRequest('limit', `limit must be a whole number from 1 to ${POLL_LIMIT_MAX}`);
    limit = Math.min(Number(limitRaw), POLL_LIMIT_MAX);
  }
  const wait = req.method === 'HEAD' ? 0 : parseWait(req.query.get('wait'));
  const members = req.query.get('members') === 'true';
  const t = ctx.now();
  const key = req.headers['x-session-key'];
  const answer = (s: SessionRecord, page: { messages: StoredMessage[]; more: boolean }): MaybePromise<HttpResponse> => {
    const { messages, more } = page;
    if (wait === 0 || messages.length) return markE2e(jsonText(200, pollBody(messages, more, after, s, members, agentId)), s, req);
    if (!ctx.waiters.fits(id, req.ip)) tooManyWaiters();
    return parkPoll(ctx, { sessionId: id, agentId, after, limit, members, ip: req.ip, waitMs: Math.round(wait * 1000) }, req.signal).then((r) => markE2e(r, s, req));
  };
  // Bounded by count and by bytes; nextCursor is the last message included (nexus spec §2.6).
  const read = (s: SessionRecord): MaybePromise<HttpResponse> => {
    const page = ctx.store.messagesAfter(id, after, limit, ctx.config.maxPollBytes);
    return isThenable(page) ? page.then((p) => answer(s, p)) : answer(s, page);
  };
  // A parked poll is activity too: it slides the TTL here, when it parks (SLIDE_ON_POLL).
  const s = ctx.update(id, t, (s) => pollSession(s, agentId, key, t, ctx.config.slideOnPoll));
  return isThenable(s) ? s.then(read) : read(s);
}

/** Where a stream starts: Last-Event-ID (a reconnect) wins over `after` (nexus spec §2.6). */
async function stream(ctx: ServerContext, req: HttpRequest, id: string) {
  const agentId = requestAgent(req);
  const lastId = req.headers['last-event-id'];
  const from = lastId !== undefined && lastId !== '' ? parseAfter(lastId.trim(), 'Last-Event-ID') : parseAfter(req.query.get('after'));
  const t = ctx.now();
  const key = req.headers['x-session-key'];
  const s = await ctx.update(id, t, (s) => pollSession(s, agentId, key, t, ctx.config.slideOnPoll));
  if (req.method === 'HEAD') return markE2e({ status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } }, s, req);
  if (!ctx.waiters.fits(id, req.ip)) tooManyWaiters();
  return markE2e(eventStream(ctx, { sessionId: id, agentId, key, from, ip: req.ip }), s, req);
}

async function renew(ctx: ServerContext, req: HttpRequest, id: string) {
  const agentId = requestAgent(req);
  const ttl = intField(parseBody(req), 'ttl', 60, ctx.config.maxTtl);
  const t = ctx.now();
  return json(200, await ctx.update(id, t, (s) => renewSession(s, agentId, req.headers['x-session-key'], ttl, t)));
}

async function leave(ctx: ServerContext, req: HttpRequest, id: string, pathAgent: string) {
  const agentId = requestAgent(req);
  if (agentId !== pathAgent) throw apiError(403, 'forbidden', 'X-Agent-Id must match the agent in the path');
  const key = req.headers['x-session-key'];
  if (!key) throw apiError(401, 'missing_session_key', 'X-Session-Key header is required to leave');
  return json(200, await ctx.update(id, ctx.now(), (s) => leaveSession(s, agentId, key)));
}

const S = '/v1/sessions?';

/**
 * The session id of `/v1/session(s)/<id>/messages`, as the first route's pattern would capture
 * it (undecoded), or null: send and poll are nearly every request, and this is cheaper than
 * the table's regex (app.ts tries it first; null means "walk the table").
 */
export function messagesPathId(path: string): string | null {
  const start = path.startsWith('/v1/sessions/') ? 13 : path.startsWith('/v1/session/') ? 12 : -1;
  if (start < 0 || !path.endsWith('/messages')) return null;
  const end = path.length - 9;
  if (end <= start || path.indexOf('/', start) !== end) return null;
  return path.slice(start, end);
}

/** The handler of `messages` for `method` (HEAD is GET's), for the path above. */
export function messagesHandler(method: string): RouteHandler | undefined {
  return method === 'POST' ? send : method === 'GET' || method === 'HEAD' ? poll : undefined;
}

export const sessionRoutes: Route[] = [
  // send and poll first: nearly every request is one of them.
  ['POST', new RegExp(`^${S}/([^/]+)/messages$`), send],
  ['GET', new RegExp(`^${S}/([^/]+)/messages$`), poll],
  ['GET', new RegExp(`^${S}/([^/]+)/messages/stream$`), stream],
  ['PUT', new RegExp(`^${S}$`), create],
  ['POST', new RegExp(`^${S}$`), create],
  ['GET', new RegExp(`^${S}/([^/]+)$`), async (ctx, req, id) => {
    const s = await ctx.live(id!);
    return markE2e(json(200, statusView(s)), s, req);
  }],
  ['POST', new RegExp(`^${S}/([^/]+)/join$`), join],
  ['POST', new RegExp(`^${S}/([^/]+)/renew$`), renew],
  ['DELETE', new RegExp(`^${S}/([^/]+)/agents/([^/]+)$`), leave],
];
