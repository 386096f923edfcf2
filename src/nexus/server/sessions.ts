/**
 * Session rules as pure transitions over a SessionRecord (nexus spec §2.3-§2.6): join, send, poll
 * view, renew, leave. The clock, ids and key hashing are passed in; each function returns the
 * next record, the messages to append and the response body, or throws an HttpError.
 */
import type { AgentRecord, SessionRecord, StoredMessage } from '../../store/nexus-store.ts';

/** A message as the rules build it; the store keeps its poll view serialised (`stored`). */
export interface Message {
  id: string;
  cursor: number;
  agentId: string;
  text: string;
  json?: unknown;
  verified: boolean;
  createdAt: number;
  expiresAt: number;
  type: 'message' | 'greeting' | 'system';
  sanitized?: boolean;
}
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

/**
 * Whole-second ISO-8601 (nexus spec §2.1 timestamps). Two cached seconds: a message view asks for
 * createdAt and expiresAt in turn, and requests within one second ask for the same values.
 */
const isoCache: [number, string, number, string] = [NaN, '', NaN, ''];
export function iso(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec === isoCache[0]) return isoCache[1];
  if (sec === isoCache[2]) return isoCache[3];
  const text = `${new Date(sec * 1000).toISOString().slice(0, 19)}Z`;
  isoCache[2] = isoCache[0];
  isoCache[3] = isoCache[1];
  isoCache[0] = sec;
  isoCache[1] = text;
  return text;
}

export function slide(s: SessionRecord, now: number): SessionRecord {
  return { ...s, expiresAt: now + s.ttl * 1000 };
}

export function systemMessage(s: SessionRecord, cursor: number, text: string, type: Message['type'], fx: Effects): StoredMessage {
  return stored({ id: fx.newMessageId(), cursor, agentId: 'system', text, verified: true, createdAt: fx.now, expiresAt: s.expiresAt, type });
}

/**
 * What the store keeps: the poll view, serialised once (messages are immutable). Written out
 * field by field, equal to JSON.stringify(messageView(m)) (a test checks it), for speed: every
 * message passes here.
 */
export function stored(m: Message): StoredMessage {
  const id = JSON.stringify(m.agentId);
  const json = m.json !== undefined ? `,"json":${JSON.stringify(m.json)}` : '';
  const wire = `{"id":${JSON.stringify(m.id)},"cursor":"${m.cursor}","agentId":${id},"from":${id},"text":${JSON.stringify(m.text)}${json},"verified":${m.verified},"createdAt":"${iso(m.createdAt)}","expiresAt":"${iso(m.expiresAt)}","type":"${m.type}"${m.sanitized ? ',"sanitized":true' : ''}}`;
  return { cursor: m.cursor, wire };
}

/**
 * Adds an agent (join and claim). A re-join that presents the agent's valid key is idempotent;
 * otherwise an existing id is 409 agent_id_taken. When the second agent arrives, the cron
 * reminder is appended once (nexus spec §2.5).
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
      // Only clients that present their key everywhere re-join with it (auth.ts).
      const agents = s.agents.map((a) => (a.agentId === agentId ? { ...a, lastSeenAt: fx.now, keyRequired: 'all' as const } : a));
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

/** The agent was seen now; a sliding TTL restarts (nexus spec §2.6). A send also moves the head. */
export function touch(s: SessionRecord, agentId: string, now: number, slideTtl: boolean, headCursor = s.headCursor): SessionRecord {
  // Written out rather than spread: this runs on every send and poll.
  const agents = s.agents.map((a) =>
    a.agentId === agentId ? { agentId: a.agentId, joinedAt: a.joinedAt, lastSeenAt: now, keyHash: a.keyHash, ...(a.keyRequired ? { keyRequired: a.keyRequired } : {}) } : a,
  );
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
  };
}

export function messageView(m: Message) {
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

/** nexus spec §2.6: the last returned cursor; else min(after, head), or "0" without `after`. */
export function nextCursor(messages: StoredMessage[], after: number, head: number): string {
  const last = messages.at(-1);
  if (last) return String(last.cursor);
  return after < 0 ? '0' : String(Math.min(after, head));
}
