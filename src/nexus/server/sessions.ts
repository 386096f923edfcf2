/**
 * The session transitions (nexus spec §2.3-§2.6): create, join, claim, post, poll, renew, leave.
 * Each takes the current record, the request's data and what it needs from outside (the time,
 * fresh ids and keys, drawn before it runs) and returns a store Update: the next record, the
 * messages to append and, as `result`, the response body; or it throws an HttpError. No I/O,
 * clock or randomness inside: a shared store may run a transition more than once
 * (store/nexus-store.ts updateSession).
 */
import type { AgentRecord, SessionRecord, StoredMessage, Update } from '../../store/nexus-store.ts';
import { checkMemberKey, checkRenewTtl } from './auth.ts';
import { e2eRequired } from './e2e-rules.ts';
import { apiError, invalidRequest } from './rules.ts';
import { hashSessionKey, keyMatches } from './session-key.ts';
import { iso, stored, type Message, type SendResult } from './views.ts';

// The opening is the reference's own wording (nexus spec §2.5), kept for clients that look for
// it; the waiting forms follow, since a cron is only the fallback for agents that cannot wait.
export const CRON_REMINDER =
  'This is an async conversation. Set up a cron job (every 3-5 minutes) to poll this session and reply to new messages - ask your human for permission first - unless you can wait in a call: GET .../messages?after=CURSOR&wait=50 answers the moment a message arrives, and .../messages/stream sends each one as an event. Stop when the conversation is over or the session expires.';

/** Drawn before a transition runs, used or not: the time and a message id. */
export interface Fresh {
  now: number;
  /** For the one message a transition may append: a send, the greeting or the cron reminder. */
  messageId: string;
}

/** For transitions that may add an agent: its session key. */
export interface FreshAgent extends Fresh {
  sessionKey: string;
}

export interface FreshSession extends FreshAgent {
  sessionId: string;
}

export type Transition<B> = Update<B, SessionRecord> & { next: SessionRecord };

/** The record, if it is live at `now`; else 404 (nexus spec §2.6: an expired session is gone). */
export function alive(s: SessionRecord | null, now: number): SessionRecord {
  if (!s || s.expiresAt <= now) throw apiError(404, 'session_not_found', 'no such session, or it has expired');
  return s;
}

export function slide(s: SessionRecord, now: number): SessionRecord {
  return { ...s, expiresAt: now + s.ttl * 1000 };
}

/** The server's messages; a greeting also names the session's creator (`agentId` stays "system" for old clients). */
export function systemMessage(s: SessionRecord, cursor: number, text: string, type: Message['type'], fx: Fresh): StoredMessage {
  const creator = type === 'greeting' && s.creatorAgentId ? { creatorAgentId: s.creatorAgentId } : {};
  return stored({ id: fx.messageId, cursor, agentId: 'system', text, verified: true, createdAt: fx.now, expiresAt: s.expiresAt, type, ...creator });
}

/** The agent was seen now; a sliding TTL restarts (nexus spec §2.6). A send also moves the head. */
export function touch(s: SessionRecord, agentId: string, now: number, slideTtl: boolean, headCursor = s.headCursor): SessionRecord {
  // Written out rather than spread: this runs on every send and poll.
  const agents: AgentRecord[] = new Array(s.agents.length);
  for (let i = 0; i < agents.length; i++) {
    const a = s.agents[i]!;
    if (a.agentId !== agentId) {
      agents[i] = a;
      continue;
    }
    const b: AgentRecord = { agentId: a.agentId, joinedAt: a.joinedAt, lastSeenAt: now, keyHash: a.keyHash };
    if (a.keyRequired) b.keyRequired = a.keyRequired;
    agents[i] = b;
  }
  return {
    sessionId: s.sessionId,
    ttl: s.ttl,
    maxAgents: s.maxAgents,
    createdAt: s.createdAt,
    expiresAt: slideTtl ? now + s.ttl * 1000 : s.expiresAt,
    creatorAgentId: s.creatorAgentId,
    greeting: s.greeting,
    agents,
    headCursor,
    cronReminderSent: s.cronReminderSent,
    ...(s.e2e ? { e2e: true as const } : {}),
  };
}

/**
 * Adds an agent (create, join, claim). A re-join that presents the agent's valid key is
 * idempotent; otherwise an existing id is 409 agent_id_taken. When the second agent arrives,
 * the cron reminder is appended once (nexus spec §2.5).
 */
function addAgent(s: SessionRecord, agentId: string, presentedKey: string | undefined, fx: FreshAgent): Transition<{ sessionKey: string; rejoined: boolean }> & { append: StoredMessage[] } {
  const existing = s.agents.find((a) => a.agentId === agentId);
  if (existing) {
    if (presentedKey && keyMatches(presentedKey, existing.keyHash)) {
      // Only clients that present their key everywhere re-join with it (auth.ts).
      const agents = s.agents.map((a) => (a.agentId === agentId ? { ...a, lastSeenAt: fx.now, keyRequired: 'all' as const } : a));
      return { next: slide({ ...s, agents }, fx.now), append: [], result: { sessionKey: presentedKey, rejoined: true } };
    }
    throw apiError(409, 'agent_id_taken', `agent id "${agentId}" is already in this session; pick another id`);
  }
  if (s.agents.length >= s.maxAgents) throw apiError(409, 'session_full', `this session already has its ${s.maxAgents} agents`);
  const agent: AgentRecord = { agentId, joinedAt: fx.now, lastSeenAt: fx.now, keyHash: hashSessionKey(fx.sessionKey) };
  let next = slide({ ...s, agents: [...s.agents, agent] }, fx.now);
  const append: StoredMessage[] = [];
  if (next.agents.length === 2 && !next.cronReminderSent) {
    next = { ...next, headCursor: next.headCursor + 1, cronReminderSent: true };
    append.push(systemMessage(next, next.headCursor, CRON_REMINDER, 'system', fx));
  }
  return { next, append, result: { sessionKey: fx.sessionKey, rejoined: false } };
}

export interface CreateInput {
  ttl: number;
  maxAgents: number;
  /** Already sanitised (nexus spec §2.7). */
  greeting: string | null;
  creator: string | undefined;
  /** docs/spec/nexus-e2e.md §10: the greeting is then an envelope, kept as it is. */
  e2e?: boolean;
}

/** nexus spec §2.3 create: the greeting is message 0; a named creator joins at once. */
export function createSession(input: CreateInput, fx: FreshSession) {
  const { ttl, maxAgents, greeting, creator } = input;
  const { sessionId } = fx;
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
    ...(input.e2e ? { e2e: true as const } : {}),
  };
  const append: StoredMessage[] = greeting ? [systemMessage(s, 0, greeting, 'greeting', fx)] : [];
  let sessionKey: string | undefined;
  if (creator) {
    // The first agent: no cron reminder, so fx.messageId is not used twice.
    const j = addAgent(s, creator, undefined, fx);
    s = j.next;
    sessionKey = j.result.sessionKey;
    append.push(...j.append);
  }
  const result = {
    sessionId,
    ttl,
    maxAgents,
    state: 'active',
    createdAt: iso(s.createdAt),
    expiresAt: iso(s.expiresAt),
    greeting,
    agentsOnline: s.agents.length,
    ...(input.e2e ? { e2e: true } : {}),
    ...(creator ? { creatorAgentId: creator, agentId: creator, sessionKey } : {}),
  };
  return { next: s, append, result } satisfies Transition<unknown>;
}

export function joinSession(s: SessionRecord, agentId: string, presentedKey: string | undefined, fx: FreshAgent) {
  const j = addAgent(s, agentId, presentedKey, fx);
  const { next } = j;
  const result = {
    status: 'joined',
    sessionId: s.sessionId,
    agentId,
    agentsOnline: next.agents.length,
    sessionKey: j.result.sessionKey,
    ttl: next.ttl,
    expiresAt: iso(next.expiresAt),
    ...(j.result.rejoined ? { rejoined: true } : {}),
  };
  return { next, append: j.append, result } satisfies Transition<unknown>;
}

/** nexus spec §2.3 claim: a join through a pairing code (pairing.ts reserves the code). */
export function claimSession(s: SessionRecord, agentId: string, presentedKey: string | undefined, fx: FreshAgent) {
  const j = addAgent(s, agentId, presentedKey, fx);
  const { next } = j;
  const result = { sessionId: s.sessionId, status: 'claimed', agentId, sessionKey: j.result.sessionKey, agentsOnline: next.agents.length, ttl: next.ttl, expiresAt: iso(next.expiresAt) };
  return { next, append: j.append, result } satisfies Transition<unknown>;
}

export interface PostInput {
  agentId: string;
  key: string | undefined;
  /** Already sanitised (nexus spec §2.7), with what was redacted. */
  text: string;
  /** The text as sent when it is an envelope: an E2E session keeps it as it is (e2e spec §10), and takes nothing else. */
  sealed?: string;
  /** Set when the sealed text is longer than a plain text may be: a plain session refuses it as too long. */
  tooLong?: number;
  json: unknown;
  redactions: { type: string; count: number }[];
  /** STRICT_SESSION_KEY (auth.ts). */
  strict: boolean;
}

const REDACTED_WARNING = 'Message contained secrets; they were replaced with [REDACTED:type]. Never send secrets over NexusMessaging.';

/** nexus spec §2.3 send: the message takes the next cursor and the TTL slides. */
export function postMessage(s: SessionRecord, input: PostInput, fx: Fresh) {
  const { agentId, json } = input;
  let { redactions, text } = input;
  if (s.e2e) {
    if (input.sealed === undefined || json !== undefined) throw e2eRequired('every message');
    [text, redactions] = [input.sealed, []];
  } else if (input.tooLong !== undefined) {
    throw invalidRequest('text', `text must be at most ${input.tooLong} characters`);
  }
  const { verified, s: checked } = checkMemberKey(s, agentId, input.key, 'send', { strict: input.strict, notMember: 'forbidden' });
  const next = touch(checked, agentId, fx.now, true, s.headCursor + 1);
  // Optional fields set after the others (no spreads: every send passes here); stored() and
  // JSON.stringify keep the order below.
  const msg: Message = { id: fx.messageId, cursor: next.headCursor, agentId, text, verified, createdAt: fx.now, expiresAt: next.expiresAt, type: 'message' };
  if (json !== undefined) msg.json = json;
  if (redactions.length) msg.sanitized = true;
  const result: SendResult = { ok: true, id: msg.id, messageId: msg.id, cursor: String(msg.cursor), expiresAt: iso(msg.expiresAt), verified };
  if (redactions.length) {
    result.redacted = true;
    result.redactions = redactions;
    result.warning = REDACTED_WARNING;
  }
  return { next, append: [stored(msg)], result } satisfies Transition<unknown>;
}

/** nexus spec §2.6 poll: the reader was seen (and with SLIDE_ON_POLL the TTL slides); the result is the record, for the answer. */
export function pollSession(s: SessionRecord, agentId: string, key: string | undefined, now: number, slideTtl: boolean): Transition<SessionRecord> {
  const next = touch(checkMemberKey(s, agentId, key, 'poll', { strict: true, notMember: 'agent_not_in_session' }).s, agentId, now, slideTtl);
  return { next, result: next };
}

/** nexus spec §2.3 renew: the TTL restarts, optionally with a new length (auth.ts checkRenewTtl). */
export function renewSession(s: SessionRecord, agentId: string, key: string | undefined, ttl: number | undefined, now: number) {
  const k = checkMemberKey(s, agentId, key, 'renew', { strict: true, notMember: 'forbidden' });
  checkRenewTtl(s, agentId, k.verified, ttl);
  const next = slide(touch({ ...k.s, ttl: ttl ?? s.ttl }, agentId, now, false), now);
  const result = { sessionId: s.sessionId, state: 'active', ttl: next.ttl, expiresAt: iso(next.expiresAt), agents: next.agents.map((a) => a.agentId) };
  return { next, result } satisfies Transition<unknown>;
}

/** nexus spec §2.3 leave: an agent removes itself with its key; the creator stays. */
export function leaveSession(s: SessionRecord, agentId: string, key: string) {
  const a = s.agents.find((x) => x.agentId === agentId);
  if (!a) throw apiError(404, 'agent_not_found', `agent "${agentId}" is not in this session`);
  if (!keyMatches(key, a.keyHash)) throw apiError(401, 'invalid_session_key', 'X-Session-Key does not match this agent');
  if (s.creatorAgentId === agentId) throw apiError(403, 'forbidden', 'the creator cannot leave the session; it can close it for everyone (DELETE the session, nexus.mjs close)');
  const next = { ...s, agents: s.agents.filter((x) => x.agentId !== agentId) };
  return { next, result: { ok: true, status: 'removed', sessionId: s.sessionId, agentId, message: `${agentId} left the session` } } satisfies Transition<unknown>;
}
