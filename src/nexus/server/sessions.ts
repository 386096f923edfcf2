/**
 * Session rules as pure transitions over a SessionRecord (spec §2.3-§2.6): join, send, poll
 * view, renew, leave. The clock, ids and key hashing are passed in; each function returns the
 * next record, the messages to append and the response body, or throws an HttpError.
 */
import type { AgentRecord, SessionRecord, StoredMessage } from '../../store/nexus-store.ts';
import { apiError } from './rules.ts';

export const CRON_REMINDER =
  'This is an async conversation. Set up a cron job (every 3-5 minutes) to poll this session and reply to new messages - ask your human for permission first. Stop the cron when the conversation is over or the session expires.';

export interface Effects {
  now: number;
  newMessageId: () => string;
  newSessionKey: () => string;
  hashKey: (key: string) => string;
  keyMatches: (key: string, hash: string) => boolean;
}

export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function slide(s: SessionRecord, now: number): SessionRecord {
  return { ...s, expiresAt: now + s.ttl * 1000 };
}

export function systemMessage(s: SessionRecord, cursor: number, text: string, type: StoredMessage['type'], fx: Effects): StoredMessage {
  return { id: fx.newMessageId(), cursor, agentId: 'system', text, verified: true, createdAt: fx.now, expiresAt: s.expiresAt, type };
}

/**
 * Adds an agent (join and claim). A re-join that presents the agent's valid key is idempotent;
 * otherwise an existing id is 409 agent_id_taken. When the second agent arrives, the cron
 * reminder is appended once (spec §2.5).
 */
export function joinSession(
  s: SessionRecord,
  agentId: string,
  presentedKey: string | undefined,
  fx: Effects,
): { next: SessionRecord; append: StoredMessage[]; sessionKey: string; rejoined: boolean } {
  const existing = s.agents.find((a) => a.agentId === agentId);
  if (existing) {
    if (presentedKey && fx.keyMatches(presentedKey, existing.keyHash)) {
      const agents = s.agents.map((a) => (a.agentId === agentId ? { ...a, lastSeenAt: fx.now } : a));
      return { next: slide({ ...s, agents }, fx.now), append: [], sessionKey: presentedKey, rejoined: true };
    }
    throw apiError(409, 'agent_id_taken', `agent id "${agentId}" is already in this session; pick another id`);
  }
  if (s.agents.length >= s.maxAgents) throw apiError(409, 'session_full', `this session already has its ${s.maxAgents} agents`);
  const sessionKey = fx.newSessionKey();
  const agent: AgentRecord = { agentId, joinedAt: fx.now, lastSeenAt: fx.now, keyHash: fx.hashKey(sessionKey) };
  let next = slide({ ...s, agents: [...s.agents, agent] }, fx.now);
  const append: StoredMessage[] = [];
  if (next.agents.length === 2 && !next.cronReminderSent) {
    next = { ...next, headCursor: next.headCursor + 1, cronReminderSent: true };
    append.push(systemMessage(next, next.headCursor, CRON_REMINDER, 'system', fx));
  }
  return { next, append, sessionKey, rejoined: false };
}

export function requireMember(s: SessionRecord, agentId: string, error: 'forbidden' | 'agent_not_in_session'): AgentRecord {
  const a = s.agents.find((x) => x.agentId === agentId);
  if (!a) throw apiError(403, error, `agent "${agentId}" has not joined this session`);
  return a;
}

export function touch(s: SessionRecord, agentId: string, now: number, slideTtl: boolean): SessionRecord {
  const agents = s.agents.map((a) => (a.agentId === agentId ? { ...a, lastSeenAt: now } : a));
  const next = { ...s, agents };
  return slideTtl ? slide(next, now) : next;
}

export function messageView(m: StoredMessage) {
  return {
    id: m.id,
    cursor: String(m.cursor),
    agentId: m.agentId,
    from: m.agentId,
    text: m.text,
    ...(m.json !== undefined ? { json: m.json } : {}),
    verified: m.verified,
    createdAt: iso(m.createdAt),
    expiresAt: iso(m.expiresAt),
    type: m.type,
    ...(m.sanitized ? { sanitized: true } : {}),
  };
}

export function statusView(s: SessionRecord) {
  return {
    sessionId: s.sessionId,
    state: 'active',
    agents: s.agents.map((a) => a.agentId),
    agentDetails: s.agents.map((a) => ({ agentId: a.agentId, joinedAt: iso(a.joinedAt), lastSeenAt: iso(a.lastSeenAt) })),
    agentsOnline: s.agents.length,
    maxAgents: s.maxAgents,
    ttl: s.ttl,
    createdAt: iso(s.createdAt),
    expiresAt: iso(s.expiresAt),
    creatorAgentId: s.creatorAgentId,
  };
}

/** spec §2.6: the last returned cursor; else min(after, head), or "0" without `after`. */
export function nextCursor(messages: StoredMessage[], after: number, head: number): string {
  const last = messages.at(-1);
  if (last) return String(last.cursor);
  return after < 0 ? '0' : String(Math.min(after, head));
}
