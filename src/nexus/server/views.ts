/**
 * How sessions and messages look on the wire (nexus spec §2.1 timestamps, §2.3 status, §2.4
 * message object, §2.6 poll): pure functions from records to response bodies.
 */
import type { SessionRecord, StoredMessage } from '../../store/nexus-store.ts';

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
  /** A greeting names the agent that created the session (its `agentId` stays "system"). */
  creatorAgentId?: string;
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

/** What JSON.stringify escapes in a string: `"`, `\\`, controls, and surrogates (lone ones; paired ones are kept, but sent there too). */
const NEEDS_ESCAPE = /["\\\x00-\x1f\ud800-\udfff]/;

/**
 * JSON.stringify(text), in a third of the time for a text with nothing to escape (the usual
 * message): one scan for a character it would escape, else the text between quotes.
 */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * What the store keeps: the poll view, serialised once (messages are immutable). Written out
 * field by field, equal to JSON.stringify(messageView(m)) (a test checks it), for speed: every
 * message passes here.
 */
export function stored(m: Message): StoredMessage {
  const id = jsonString(m.agentId);
  const json = m.json !== undefined ? `,"json":${JSON.stringify(m.json)}` : '';
  const creator = m.creatorAgentId !== undefined ? `,"creatorAgentId":${jsonString(m.creatorAgentId)}` : '';
  const wire = `{"id":${jsonString(m.id)},"cursor":"${m.cursor}","agentId":${id},"from":${id},"text":${jsonString(m.text)}${json},"verified":${m.verified},"createdAt":"${iso(m.createdAt)}","expiresAt":"${iso(m.expiresAt)}","type":"${m.type}"${m.sanitized ? ',"sanitized":true' : ''}${creator}}`;
  const author = m.type === 'message' ? m.agentId : m.creatorAgentId;
  return author === undefined ? { cursor: m.cursor, wire } : { cursor: m.cursor, wire, author };
}

/**
 * A stored message as one reader sees it: `mine` says whether it is the reader's own (its own
 * message, or the greeting of the session it created), so an agent never answers itself.
 */
export function wireFor(m: StoredMessage, reader: string): string {
  return `${m.wire.slice(0, -1)},"mine":${m.author === reader}}`;
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
    ...(m.creatorAgentId !== undefined ? { creatorAgentId: m.creatorAgentId } : {}),
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
    ...(s.e2e ? { e2e: true } : {}),
  };
}

/** nexus spec §2.6: the last returned cursor; else min(after, head), or "0" without `after`. */
export function nextCursor(messages: StoredMessage[], after: number, head: number): string {
  const last = messages.at(-1);
  if (last) return String(last.cursor);
  return after < 0 ? '0' : String(Math.min(after, head));
}

/**
 * The poll answer (nexus spec §2.6). Messages are stored serialised (store/message-log.ts), so
 * the answer only joins them, each marked `mine` for `reader`; `members` lists the agents when
 * the client asked for them.
 */
export function pollBody(page: StoredMessage[], more: boolean, after: number, s: SessionRecord, members: boolean, reader: string): string {
  const list = members ? `,"members":${JSON.stringify(s.agents.map((a) => ({ agentId: a.agentId, joinedAt: iso(a.joinedAt), lastSeenAt: iso(a.lastSeenAt) })))}` : '';
  let messages = '';
  for (let i = 0; i < page.length; i++) messages += i ? `,${wireFor(page[i]!, reader)}` : wireFor(page[i]!, reader);
  // A cursor is decimal digits: quoted as it is.
  return `{"messages":[${messages}],"nextCursor":"${nextCursor(page, after, s.headCursor)}","hasMore":${more}${list}}`;
}

/** The answer to a send (nexus spec §2.3); the last three only when something was redacted. */
export interface SendResult {
  ok: true;
  id: string;
  messageId: string;
  cursor: string;
  expiresAt: string;
  verified: boolean;
  redacted?: true;
  redactions?: { type: string; count: number }[];
  warning?: string;
}

/** JSON.stringify(r), written out for the usual answer (nothing redacted): every send passes here. */
export function sendBody(r: SendResult): string {
  if (r.redacted !== undefined || r.redactions !== undefined || r.warning !== undefined) return JSON.stringify(r);
  return `{"ok":true,"id":${jsonString(r.id)},"messageId":${jsonString(r.messageId)},"cursor":${jsonString(r.cursor)},"expiresAt":${jsonString(r.expiresAt)},"verified":${r.verified}}`;
}
